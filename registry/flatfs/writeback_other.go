//go:build !linux

package flatfs

import "os"

// startWriteback does nothing where sync_file_range does not exist.
func startWriteback(*os.File) {}
