//go:build !unix

package storagetest

// freeSpace is 0 where there is no memDir to ask about.
func freeSpace(string) uint64 { return 0 }
