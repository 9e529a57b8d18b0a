"""Live coverage: timestamped entries on a story while events unfold."""
