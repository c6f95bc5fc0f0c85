package fdt

import (
	"errors"
	"fmt"
	"strings"
)

// Node is one node of the tree.
type Node struct {
	name     string
	parent   *Node
	children []*Node
	props    []Property
	tree     *Tree
}

// Property is one property of a node. Value aliases the blob.
type Property struct {
	Name  string
	Value []byte
}

// ErrNotFound is wrapped by errors for a missing property.
var ErrNotFound = errors.New("property not found")

// PropError describes a missing or malformed property.
type PropError struct {
	Node string // path of the node
	Prop string
	Msg  string
	Err  error // ErrNotFound, or nil
}

func (e *PropError) Error() string {
	return fmt.Sprintf("fdt: %s: property %s: %s", e.Node, e.Prop, e.Msg)
}

func (e *PropError) Unwrap() error { return e.Err }

func (n *Node) errf(prop, format string, args ...interface{}) error {
	return &PropError{Node: n.Path(), Prop: prop, Msg: fmt.Sprintf(format, args...)}
}

// Name returns the node's name with its unit address ("serial@10000000");
// the root's is "".
func (n *Node) Name() string { return n.name }

// BaseName returns the name without the unit address ("serial").
func (n *Node) BaseName() string {
	if i := strings.IndexByte(n.name, '@'); i >= 0 {
		return n.name[:i]
	}
	return n.name
}

// UnitAddress returns what follows '@' in the name ("10000000"), or "".
func (n *Node) UnitAddress() string {
	if i := strings.IndexByte(n.name, '@'); i >= 0 {
		return n.name[i+1:]
	}
	return ""
}

// Parent returns the parent node (nil for the root).
func (n *Node) Parent() *Node { return n.parent }

// Children returns the child nodes in blob order. Do not modify it.
func (n *Node) Children() []*Node { return n.children }

// Properties returns the properties in blob order. Do not modify it.
func (n *Node) Properties() []Property { return n.props }

// Path returns the node's full path ("/soc/serial@10000000"; "/" for the root).
func (n *Node) Path() string {
	if n.parent == nil {
		return "/"
	}
	var parts []string
	for m := n; m.parent != nil; m = m.parent {
		parts = append(parts, m.name)
	}
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		b.WriteByte('/')
		b.WriteString(parts[i])
	}
	return b.String()
}

// Child returns the child named name: an exact match of the full name first,
// else (when name has no unit address) the first child whose name without
// unit address is name. It returns nil when there is none.
func (n *Node) Child(name string) *Node {
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	if strings.IndexByte(name, '@') < 0 {
		for _, c := range n.children {
			if c.BaseName() == name {
				return c
			}
		}
	}
	return nil
}

// Prop returns the value of property name.
func (n *Node) Prop(name string) ([]byte, bool) {
	for _, p := range n.props {
		if p.Name == name {
			return p.Value, true
		}
	}
	return nil, false
}

// Has reports whether the node has property name (for boolean properties
// such as interrupt-controller).
func (n *Node) Has(name string) bool {
	_, ok := n.Prop(name)
	return ok
}

func (n *Node) need(name string) ([]byte, error) {
	v, ok := n.Prop(name)
	if !ok {
		return nil, &PropError{Node: n.Path(), Prop: name, Msg: "not found", Err: ErrNotFound}
	}
	return v, nil
}

// U32 returns property name as one 32-bit cell.
func (n *Node) U32(name string) (uint32, error) {
	v, err := n.need(name)
	if err != nil {
		return 0, err
	}
	if len(v) != 4 {
		return 0, n.errf(name, "%d bytes, want 4", len(v))
	}
	return be.Uint32(v), nil
}

// U64 returns property name as a 64-bit value: two cells, or one cell (as
// clock-frequency and friends may be).
func (n *Node) U64(name string) (uint64, error) {
	v, err := n.need(name)
	if err != nil {
		return 0, err
	}
	switch len(v) {
	case 4:
		return uint64(be.Uint32(v)), nil
	case 8:
		return be.Uint64(v), nil
	}
	return 0, n.errf(name, "%d bytes, want 4 or 8", len(v))
}

// U32s returns property name as a list of cells.
func (n *Node) U32s(name string) ([]uint32, error) {
	v, err := n.need(name)
	if err != nil {
		return nil, err
	}
	if len(v)%4 != 0 {
		return nil, n.errf(name, "%d bytes, not whole cells", len(v))
	}
	out := make([]uint32, len(v)/4)
	for i := range out {
		out[i] = be.Uint32(v[4*i:])
	}
	return out, nil
}

// String returns property name as a string (the first, if it is a list).
func (n *Node) String(name string) (string, error) {
	l, err := n.Strings(name)
	if err != nil {
		return "", err
	}
	return l[0], nil
}

// Strings returns property name as a list of NUL-terminated strings.
func (n *Node) Strings(name string) ([]string, error) {
	v, err := n.need(name)
	if err != nil {
		return nil, err
	}
	if len(v) == 0 || v[len(v)-1] != 0 {
		return nil, n.errf(name, "not a NUL-terminated string")
	}
	return strings.Split(string(v[:len(v)-1]), "\x00"), nil
}

// Compatibles returns the compatible list (nil if there is none or it is
// malformed).
func (n *Node) Compatibles() []string {
	l, _ := n.Strings("compatible")
	return l
}

// IsCompatible reports whether compat is in the node's compatible list.
func (n *Node) IsCompatible(compat string) bool {
	v, ok := n.Prop("compatible")
	if !ok || len(v) == 0 || v[len(v)-1] != 0 {
		return false
	}
	for _, c := range strings.Split(string(v[:len(v)-1]), "\x00") {
		if c == compat {
			return true
		}
	}
	return false
}

// Enabled reports whether the node's status is absent, "okay" or "ok".
func (n *Node) Enabled() bool {
	s, err := n.String("status")
	if errors.Is(err, ErrNotFound) {
		return true
	}
	return err == nil && (s == "okay" || s == "ok")
}

// Phandle returns the node's phandle (0 if it has none).
func (n *Node) Phandle() uint32 {
	v, err := n.U32("phandle")
	if err != nil {
		v, _ = n.U32("linux,phandle")
	}
	return v
}

// cells returns #name of the node, or def when absent. Values above 4 are
// malformed for addresses and sizes.
func (n *Node) cells(name string, def uint32) (uint32, error) {
	v, err := n.U32(name)
	if errors.Is(err, ErrNotFound) {
		return def, nil
	}
	if err != nil {
		return 0, err
	}
	if v > 4 {
		return 0, n.errf(name, "%d cells", v)
	}
	return v, nil
}

// AddressCells returns the node's #address-cells (the spec's default 2 when
// absent): the cells of an address in its children's reg.
func (n *Node) AddressCells() (uint32, error) { return n.cells("#address-cells", 2) }

// SizeCells returns the node's #size-cells (default 1).
func (n *Node) SizeCells() (uint32, error) { return n.cells("#size-cells", 1) }

// Reg is one address range.
type Reg struct {
	Addr, Size uint64
}

// readCells decodes c cells (at most 2) from v.
func readCells(v []byte, c uint32) uint64 {
	var x uint64
	for i := uint32(0); i < c; i++ {
		x = x<<32 | uint64(be.Uint32(v[4*i:]))
	}
	return x
}

// Reg returns the node's reg entries, in its parent's address space, decoded
// with the parent's #address-cells and #size-cells (each at most 2).
func (n *Node) Reg() ([]Reg, error) {
	if n.parent == nil {
		return nil, n.errf("reg", "the root has no reg")
	}
	ac, err := n.parent.AddressCells()
	if err != nil {
		return nil, err
	}
	sc, err := n.parent.SizeCells()
	if err != nil {
		return nil, err
	}
	v, err := n.need("reg")
	if err != nil {
		return nil, err
	}
	if ac > 2 || sc > 2 {
		return nil, n.errf("reg", "%d address and %d size cells do not fit 64 bits", ac, sc)
	}
	if ac == 0 {
		return nil, n.errf("reg", "parent has #address-cells = 0")
	}
	entry := int(4 * (ac + sc))
	if len(v) == 0 || len(v)%entry != 0 {
		return nil, n.errf("reg", "%d bytes, not whole (%d+%d)-cell entries", len(v), ac, sc)
	}
	out := make([]Reg, 0, len(v)/entry)
	for i := 0; i < len(v); i += entry {
		out = append(out, Reg{Addr: readCells(v[i:], ac), Size: readCells(v[i+4*int(ac):], sc)})
	}
	return out, nil
}

// PhysReg returns the node's reg entries translated to CPU physical
// addresses through the ranges of every bus above it (an empty ranges maps
// one to one; a missing one means the bus is not memory-mapped, an error).
func (n *Node) PhysReg() ([]Reg, error) {
	regs, err := n.Reg()
	if err != nil {
		return nil, err
	}
	for i := range regs {
		for bus := n.parent; bus.parent != nil; bus = bus.parent {
			a, err := bus.translate(regs[i].Addr, regs[i].Size)
			if err != nil {
				return nil, err
			}
			regs[i].Addr = a
		}
	}
	return regs, nil
}

// translate maps [addr, addr+size) of bus's child address space into its
// parent's, through bus's ranges.
func (bus *Node) translate(addr, size uint64) (uint64, error) {
	v, ok := bus.Prop("ranges")
	if !ok {
		return 0, bus.errf("ranges", "missing: child addresses %#x are not translatable", addr)
	}
	if len(v) == 0 {
		return addr, nil
	}
	cac, err := bus.AddressCells()
	if err != nil {
		return 0, err
	}
	csc, err := bus.SizeCells()
	if err != nil {
		return 0, err
	}
	pac, err := bus.parent.AddressCells()
	if err != nil {
		return 0, err
	}
	if cac > 2 || csc > 2 || pac > 2 || cac == 0 || pac == 0 {
		return 0, bus.errf("ranges", "(%d, %d, %d) cells unsupported", cac, pac, csc)
	}
	entry := int(4 * (cac + pac + csc))
	if len(v)%entry != 0 {
		return 0, bus.errf("ranges", "%d bytes, not whole (%d+%d+%d)-cell entries", len(v), cac, pac, csc)
	}
	for i := 0; i < len(v); i += entry {
		child := readCells(v[i:], cac)
		parent := readCells(v[i+4*int(cac):], pac)
		length := readCells(v[i+4*int(cac+pac):], csc)
		if addr >= child && addr-child < length && size <= length-(addr-child) {
			return parent + (addr - child), nil
		}
	}
	return 0, bus.errf("ranges", "no range covers %#x+%#x", addr, size)
}

// InterruptParent returns the interrupt controller the node's interrupts
// property refers to: the node interrupt-parent names, else the nearest
// ancestor's, following interrupt-parent links until a node with
// #interrupt-cells (as Linux's of_irq_find_parent). It returns nil when there
// is none.
func (n *Node) InterruptParent() *Node {
	p := n
	for steps := 0; steps <= len(n.tree.nodes); steps++ {
		if v, ok := p.Prop("interrupt-parent"); ok {
			if len(v) != 4 {
				return nil
			}
			p = n.tree.phandles[be.Uint32(v)]
		} else {
			p = p.parent
		}
		if p == nil {
			return nil
		}
		if p.Has("#interrupt-cells") {
			return p
		}
	}
	return nil // a loop of interrupt-parent links
}

// Interrupt is one interrupt of a device: its controller and the specifier
// (#interrupt-cells cells of the controller). For the PLIC and other
// one-cell controllers, Specifier[0] is the interrupt number.
type Interrupt struct {
	Controller *Node
	Specifier  []uint32
}

// Interrupts returns the node's interrupts, from interrupts-extended if it has
// one, else from interrupts and InterruptParent. Interrupt maps (nexus nodes)
// are not followed.
func (n *Node) Interrupts() ([]Interrupt, error) {
	if _, ok := n.Prop("interrupts-extended"); ok {
		cells, err := n.U32s("interrupts-extended")
		if err != nil {
			return nil, err
		}
		var out []Interrupt
		for i := 0; i < len(cells); {
			ctl := n.tree.phandles[cells[i]]
			if ctl == nil {
				return nil, n.errf("interrupts-extended", "no node with phandle %#x", cells[i])
			}
			ic, err := ctl.U32("#interrupt-cells")
			if err != nil {
				return nil, err
			}
			i++
			if uint64(ic) > uint64(len(cells)-i) {
				return nil, n.errf("interrupts-extended", "specifier for %s cut short", ctl.Path())
			}
			out = append(out, Interrupt{Controller: ctl, Specifier: cells[i : i+int(ic)]})
			i += int(ic)
		}
		return out, nil
	}
	cells, err := n.U32s("interrupts")
	if err != nil {
		return nil, err
	}
	ctl := n.InterruptParent()
	if ctl == nil {
		return nil, n.errf("interrupts", "no interrupt parent")
	}
	ic, err := ctl.U32("#interrupt-cells")
	if err != nil {
		return nil, err
	}
	if ic == 0 || len(cells)%int(ic) != 0 {
		return nil, n.errf("interrupts", "%d cells, not whole %d-cell specifiers of %s", len(cells), ic, ctl.Path())
	}
	var out []Interrupt
	for i := 0; i < len(cells); i += int(ic) {
		out = append(out, Interrupt{Controller: ctl, Specifier: cells[i : i+int(ic)]})
	}
	return out, nil
}
