package maint

import "time"

const (
	// DefaultGrace is how old an unreachable block or a temporary file
	// must be before svcreg gc removes it: far longer than any publish
	// takes between writing (or touching) its blocks and moving the head.
	DefaultGrace = time.Hour

	// MaxFetchRounds bounds Check's walk-and-fetch rounds with Repair:
	// fetched blocks may link more that is missing.
	MaxFetchRounds = 16
)
