# Import jobs are defined here.
