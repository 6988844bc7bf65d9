"""Public buyers and the social economy (issue 23)."""
