//go:build !linux

package mmio

import "errors"

// DevMem is the file Map opens (on Linux and goose).
var DevMem = "/dev/mem"

// Map is only available on Linux (and goose).
func Map(phys uint64, size int) (*Region, error) {
	return nil, errors.New("mmio: Map needs linux (/dev/mem)")
}

func unmap(mem []byte) error { return nil }
