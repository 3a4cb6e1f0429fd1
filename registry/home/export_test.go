package home

// Key files encrypted in tests take milliseconds, not a second each.
func init() { scryptWorkFactor = 10 }
