"""CUCM knowledge several workflows share: names, ranges, forwards, groups, nodes."""
