//go:build unix

package storagetest

import "golang.org/x/sys/unix"

// freeSpace is the room left on dir's file system, 0 if it cannot tell.
func freeSpace(dir string) uint64 {
	var st unix.Statfs_t
	if unix.Statfs(dir, &st) != nil {
		return 0
	}
	return st.Bavail * uint64(st.Bsize)
}
