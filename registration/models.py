# Registration writes cases.Child, cases.Caregiver and cases.Household (see services.py).
