# Report snapshots are defined here.
