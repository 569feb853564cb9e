"""URLs of follow-ups, workflow, closure, assignment, transfer and sharing (all under /cases/)."""

urlpatterns: list = []
