"""Apps the end-to-end benchmark serves: the tutorial as shipped, the floor, GC variants."""
