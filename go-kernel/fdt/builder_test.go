package fdt

import "encoding/binary"

// builder writes device tree blobs for tests, including malformed ones.
type builder struct {
	st      []byte
	strs    []byte
	names   map[string]uint32
	rsv     [][2]uint64
	version uint32
}

func newBuilder() *builder { return &builder{names: map[string]uint32{}, version: 17} }

func (b *builder) u32(v uint32) *builder {
	b.st = binary.BigEndian.AppendUint32(b.st, v)
	return b
}

func (b *builder) begin(name string) *builder {
	b.u32(tokBeginNode)
	b.st = append(b.st, name...)
	b.st = append(b.st, 0)
	for len(b.st)%4 != 0 {
		b.st = append(b.st, 0)
	}
	return b
}

func (b *builder) end() *builder { return b.u32(tokEndNode) }

func (b *builder) prop(name string, val []byte) *builder {
	off, ok := b.names[name]
	if !ok {
		off = uint32(len(b.strs))
		b.names[name] = off
		b.strs = append(append(b.strs, name...), 0)
	}
	b.u32(tokProp).u32(uint32(len(val))).u32(off)
	b.st = append(b.st, val...)
	for len(b.st)%4 != 0 {
		b.st = append(b.st, 0)
	}
	return b
}

func cells(v ...uint32) []byte {
	var out []byte
	for _, c := range v {
		out = binary.BigEndian.AppendUint32(out, c)
	}
	return out
}

func str(s ...string) []byte {
	var out []byte
	for _, x := range s {
		out = append(append(out, x...), 0)
	}
	return out
}

func (b *builder) cells(name string, v ...uint32) *builder { return b.prop(name, cells(v...)) }
func (b *builder) str(name string, v ...string) *builder   { return b.prop(name, str(v...)) }

// blob lays out header, reservations, structure, strings.
func (b *builder) blob() []byte {
	st := append(append([]byte(nil), b.st...), cells(tokEnd)...)
	hdr := 40
	rsvOff := hdr
	var rsv []byte
	for _, r := range b.rsv {
		rsv = binary.BigEndian.AppendUint64(rsv, r[0])
		rsv = binary.BigEndian.AppendUint64(rsv, r[1])
	}
	rsv = append(rsv, make([]byte, 16)...)
	stOff := rsvOff + len(rsv)
	strOff := stOff + len(st)
	total := strOff + len(b.strs)
	out := make([]byte, 0, total)
	out = append(out, cells(Magic, uint32(total), uint32(stOff), uint32(strOff), uint32(rsvOff), b.version, 16, 0, uint32(len(b.strs)), uint32(len(st)))...)
	out = append(out, rsv...)
	out = append(out, st...)
	out = append(out, b.strs...)
	return out
}
