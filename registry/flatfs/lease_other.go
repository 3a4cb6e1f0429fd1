//go:build !unix

package flatfs

import "os"

// lockFile does nothing where flock is missing.
func lockFile(*os.File) error { return nil }

// lockHeld takes every lease for live where flock is missing: a lease
// left by a killed writer then holds gc back until it is removed by hand.
func lockHeld(*os.File) (bool, error) { return true, nil }
