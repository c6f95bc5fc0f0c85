//go:build !linux

package dma

import "errors"

// OSBackend returns a backend that fails: DMA memory needs Linux or goose.
func OSBackend() Backend { return noBackend{} }

type noBackend struct{}

var errNoOS = errors.New("dma: no DMA memory on this OS (needs linux or goose)")

func (noBackend) PageSize() int                      { return 4096 }
func (noBackend) Map(int) ([]byte, error)            { return nil, errNoOS }
func (noBackend) Unmap([]byte) error                 { return errNoOS }
func (noBackend) PhysPages([]byte) ([]uint64, error) { return nil, errNoOS }
