package domain

import "strconv"

func itoa(i int) string { return strconv.Itoa(i) }

// Ptr returns a pointer to v; handy for optional fields.
func Ptr[T any](v T) *T { return &v }
