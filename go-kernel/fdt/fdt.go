// Package fdt parses flattened device trees (DTB blobs, Devicetree
// Specification v0.4 chapter 5): the tree a RISC-V firmware hands the kernel,
// which goose shows to the program as /sys/firmware/fdt.
//
// Parse checks the header and every offset and length against the blob and
// builds the whole tree up front, so that nothing after it reads outside the
// blob; malformed input gives an error, never a panic. Nodes are found by path
// (with aliases and unit-address-less names, as Linux does), by compatible
// string or by phandle; properties decode as u32, u64, strings, string lists,
// reg entries (using the parent's #address-cells and #size-cells, translated
// to CPU physical addresses through the parents' ranges with PhysReg) and
// interrupts (interrupts or interrupts-extended, with the interrupt parent
// found as Linux finds it).
//
// The tree keeps references into the blob: do not modify the blob while the
// tree is in use.
package fdt

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// Magic is the first word of every device tree blob.
const Magic = 0xd00dfeed

// Structure block tokens.
const (
	tokBeginNode = 1
	tokEndNode   = 2
	tokProp      = 3
	tokNop       = 4
	tokEnd       = 9
)

// MaxDepth is the deepest node nesting Parse accepts (Linux's limit).
const MaxDepth = 64

// Header is the blob's header (all fields big-endian in the blob).
type Header struct {
	Magic           uint32
	TotalSize       uint32
	OffDtStruct     uint32
	OffDtStrings    uint32
	OffMemRsvmap    uint32
	Version         uint32
	LastCompVersion uint32
	BootCPUIDPhys   uint32
	SizeDtStrings   uint32
	SizeDtStruct    uint32 // version 17; for version 16, what Parse derived
}

// Reservation is one entry of the memory reservation block.
type Reservation struct {
	Address, Size uint64
}

// Tree is a parsed device tree.
type Tree struct {
	Header       Header
	Reservations []Reservation

	root     *Node
	nodes    []*Node // every node, in blob order
	phandles map[uint32]*Node
}

// FormatError describes a malformed blob.
type FormatError struct {
	Off int // offset in the blob, -1 if none applies
	Msg string
}

func (e *FormatError) Error() string {
	if e.Off < 0 {
		return "fdt: " + e.Msg
	}
	return fmt.Sprintf("fdt: at offset %#x: %s", e.Off, e.Msg)
}

func errAt(off int, format string, args ...interface{}) error {
	return &FormatError{Off: off, Msg: fmt.Sprintf(format, args...)}
}

var be = binary.BigEndian

// Parse parses a device tree blob. The blob may be longer than the header's
// totalsize; the rest is ignored.
func Parse(blob []byte) (*Tree, error) {
	if len(blob) < 4 || be.Uint32(blob) != Magic {
		return nil, errAt(0, "bad magic (not a device tree blob)")
	}
	if len(blob) < 40 {
		return nil, errAt(0, "blob of %d bytes is shorter than a header", len(blob))
	}
	h := Header{
		Magic:           be.Uint32(blob[0:]),
		TotalSize:       be.Uint32(blob[4:]),
		OffDtStruct:     be.Uint32(blob[8:]),
		OffDtStrings:    be.Uint32(blob[12:]),
		OffMemRsvmap:    be.Uint32(blob[16:]),
		Version:         be.Uint32(blob[20:]),
		LastCompVersion: be.Uint32(blob[24:]),
		BootCPUIDPhys:   be.Uint32(blob[28:]),
		SizeDtStrings:   be.Uint32(blob[32:]),
	}
	if h.Version < 16 {
		return nil, errAt(20, "version %d is older than 16", h.Version)
	}
	if h.LastCompVersion > 17 {
		return nil, errAt(24, "last compatible version %d is newer than 17", h.LastCompVersion)
	}
	hdrSize := uint64(36)
	if h.Version >= 17 {
		h.SizeDtStruct = be.Uint32(blob[36:])
		hdrSize = 40
	}
	total := uint64(h.TotalSize)
	if total < hdrSize || total > uint64(len(blob)) {
		return nil, errAt(4, "totalsize %d outside [%d, %d]", h.TotalSize, hdrSize, len(blob))
	}
	blob = blob[:total]
	if h.Version < 17 {
		if uint64(h.OffDtStruct) > total {
			return nil, errAt(8, "structure block offset %#x beyond totalsize", h.OffDtStruct)
		}
		h.SizeDtStruct = uint32(total - uint64(h.OffDtStruct))
	}
	inBlob := func(field int, what string, off, size uint32, align uint32) error {
		if off%align != 0 {
			return errAt(field, "%s offset %#x not %d-byte aligned", what, off, align)
		}
		if uint64(off) < hdrSize || uint64(off)+uint64(size) > total {
			return errAt(field, "%s %#x+%#x outside the blob (header %d, totalsize %d)", what, off, size, hdrSize, total)
		}
		return nil
	}
	if err := inBlob(8, "structure block", h.OffDtStruct, h.SizeDtStruct, 4); err != nil {
		return nil, err
	}
	if err := inBlob(12, "strings block", h.OffDtStrings, h.SizeDtStrings, 1); err != nil {
		return nil, err
	}
	if err := inBlob(16, "memory reservation block", h.OffMemRsvmap, 16, 8); err != nil {
		return nil, err
	}
	t := &Tree{Header: h, phandles: make(map[uint32]*Node)}
	for off := uint64(h.OffMemRsvmap); ; off += 16 {
		if off+16 > total {
			return nil, errAt(int(off), "memory reservation block runs past the end of the blob")
		}
		r := Reservation{Address: be.Uint64(blob[off:]), Size: be.Uint64(blob[off+8:])}
		if r.Address == 0 && r.Size == 0 {
			break
		}
		t.Reservations = append(t.Reservations, r)
	}
	if err := t.parseStruct(blob, &h); err != nil {
		return nil, err
	}
	return t, nil
}

func (t *Tree) parseStruct(blob []byte, h *Header) error {
	start := int(h.OffDtStruct)
	end := start + int(h.SizeDtStruct)
	strs := blob[h.OffDtStrings : h.OffDtStrings+h.SizeDtStrings]
	propNames := make(map[uint32]string)
	var cur *Node
	depth := 0
	off := start
	word := func() (uint32, error) {
		if off+4 > end {
			return 0, errAt(off, "structure block ends inside a token")
		}
		v := be.Uint32(blob[off:])
		off += 4
		return v, nil
	}
	for {
		tokOff := off
		tok, err := word()
		if err != nil {
			return err
		}
		switch tok {
		case tokNop:
		case tokBeginNode:
			if cur == nil && t.root != nil {
				return errAt(tokOff, "a second root node")
			}
			n := off
			for n < end && blob[n] != 0 {
				n++
			}
			if n >= end {
				return errAt(off, "node name runs past the structure block")
			}
			name := string(blob[off:n])
			off = (n + 1 + 3) &^ 3
			if off > end {
				return errAt(n, "node name padding runs past the structure block")
			}
			if depth >= MaxDepth {
				return errAt(tokOff, "nodes nested deeper than %d", MaxDepth)
			}
			node := &Node{name: name, parent: cur, tree: t}
			if cur == nil {
				node.name = "" // some old blobs name the root "/"
				t.root = node
			} else {
				if name == "" {
					return errAt(tokOff, "node without a name under %s", cur.Path())
				}
				cur.children = append(cur.children, node)
			}
			t.nodes = append(t.nodes, node)
			cur = node
			depth++
		case tokEndNode:
			if cur == nil {
				return errAt(tokOff, "END_NODE outside any node")
			}
			cur = cur.parent
			depth--
		case tokProp:
			if cur == nil {
				return errAt(tokOff, "property outside any node")
			}
			l, err := word()
			if err != nil {
				return err
			}
			nameOff, err := word()
			if err != nil {
				return err
			}
			if uint64(l) > uint64(end-off) {
				return errAt(tokOff, "property of %d bytes runs past the structure block", l)
			}
			val := blob[off : off+int(l) : off+int(l)]
			off = (off + int(l) + 3) &^ 3
			if off > end {
				return errAt(tokOff, "property padding runs past the structure block")
			}
			name, ok := propNames[nameOff]
			if !ok {
				if nameOff >= uint32(len(strs)) {
					return errAt(tokOff, "property name offset %#x outside the strings block", nameOff)
				}
				s := strs[nameOff:]
				z := 0
				for z < len(s) && s[z] != 0 {
					z++
				}
				if z == len(s) {
					return errAt(tokOff, "property name at strings offset %#x is not terminated", nameOff)
				}
				name = string(s[:z])
				propNames[nameOff] = name
			}
			cur.props = append(cur.props, Property{Name: name, Value: val})
			if name == "phandle" || name == "linux,phandle" {
				if len(val) == 4 {
					ph := be.Uint32(val)
					if ph != 0 && ph != 0xffffffff {
						if _, dup := t.phandles[ph]; !dup {
							t.phandles[ph] = cur
						}
					}
				}
			}
		case tokEnd:
			if t.root == nil {
				return errAt(tokOff, "no root node")
			}
			if cur != nil {
				return errAt(tokOff, "END inside node %s", cur.Path())
			}
			return nil
		default:
			return errAt(tokOff, "unknown token %#x", tok)
		}
	}
}

// Root returns the root node.
func (t *Tree) Root() *Node { return t.root }

// Nodes returns every node in blob order (depth first). Do not modify it.
func (t *Tree) Nodes() []*Node { return t.nodes }

// Walk calls fn for every node in blob order until it returns false.
func (t *Tree) Walk(fn func(*Node) bool) {
	for _, n := range t.nodes {
		if !fn(n) {
			return
		}
	}
}

// ByPhandle returns the node with the given phandle, or nil.
func (t *Tree) ByPhandle(ph uint32) *Node { return t.phandles[ph] }

// Compatible returns the nodes whose compatible list holds any of compat, in
// blob order.
func (t *Tree) Compatible(compat ...string) []*Node {
	var out []*Node
	for _, n := range t.nodes {
		for _, c := range compat {
			if n.IsCompatible(c) {
				out = append(out, n)
				break
			}
		}
	}
	return out
}

// Alias returns the path /aliases gives for name.
func (t *Tree) Alias(name string) (string, bool) {
	a := t.root.Child("aliases")
	if a == nil {
		return "", false
	}
	s, err := a.String(name)
	if err != nil {
		return "", false
	}
	return s, true
}

// Aliases returns every alias in /aliases.
func (t *Tree) Aliases() map[string]string {
	out := make(map[string]string)
	if a := t.root.Child("aliases"); a != nil {
		for _, p := range a.props {
			if s, err := a.String(p.Name); err == nil {
				out[p.Name] = s
			}
		}
	}
	return out
}

// Node returns the node at path, or nil. path is absolute ("/soc/uart@10000000")
// or starts with an alias ("serial0", "serial0/child"); a component without a
// unit address matches the first child of that name whatever its unit
// address ("/soc/uart"). Anything from the first ':' on is ignored, so
// /chosen/stdout-path values ("serial0:115200n8") work.
func (t *Tree) Node(path string) *Node {
	if i := strings.IndexByte(path, ':'); i >= 0 {
		path = path[:i]
	}
	if path == "" {
		return nil
	}
	if path[0] != '/' {
		alias, rest := path, ""
		if i := strings.IndexByte(path, '/'); i >= 0 {
			alias, rest = path[:i], path[i:]
		}
		p, ok := t.Alias(alias)
		if !ok || p == "" || p[0] != '/' {
			return nil
		}
		path = strings.TrimSuffix(p, "/") + rest
	}
	n := t.root
	for _, c := range strings.Split(strings.TrimPrefix(path, "/"), "/") {
		if c == "" {
			continue
		}
		if n = n.Child(c); n == nil {
			return nil
		}
	}
	return n
}

// Chosen returns /chosen, or nil.
func (t *Tree) Chosen() *Node { return t.root.Child("chosen") }

// Stdout returns the node /chosen/stdout-path (or linux,stdout-path) names
// and the options after its ':' ("115200n8"), or nil.
func (t *Tree) Stdout() (*Node, string) {
	c := t.Chosen()
	if c == nil {
		return nil, ""
	}
	p, err := c.String("stdout-path")
	if err != nil {
		if p, err = c.String("linux,stdout-path"); err != nil {
			return nil, ""
		}
	}
	opts := ""
	if i := strings.IndexByte(p, ':'); i >= 0 {
		opts = p[i+1:]
	}
	return t.Node(p), opts
}

// Memory returns the reg entries of every memory node (device_type
// "memory") that is enabled, translated to physical addresses.
func (t *Tree) Memory() ([]Reg, error) {
	var out []Reg
	for _, n := range t.root.children {
		if dt, err := n.String("device_type"); err != nil || dt != "memory" || !n.Enabled() {
			continue
		}
		r, err := n.PhysReg()
		if err != nil {
			return nil, err
		}
		out = append(out, r...)
	}
	return out, nil
}
