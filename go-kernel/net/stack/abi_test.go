package stack

import (
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// headerPath is goose_net.h, relative to this package in the goose tree.
const headerPath = "../../../payload/include/uapi/goose_net.h"

type cField struct {
	name        string
	off, size   int
	align, elem int
}

// parseStructs reads the struct definitions of the header and lays them
// out as a riscv64 (LP64) C compiler would: each field at its natural
// alignment, the struct padded to its largest alignment.
func parseStructs(t *testing.T, text string) map[string][]cField {
	re := regexp.MustCompile(`(?s)struct (\w+) \{(.*?)\n\};`)
	fieldRe := regexp.MustCompile(`^\s*(u?int(8|16|32|64)_t|char)\s+(\w+)(\[(\d+)\])?;`)
	out := map[string][]cField{}
	for _, m := range re.FindAllStringSubmatch(text, -1) {
		var fields []cField
		off, maxAlign := 0, 1
		for _, line := range strings.Split(m[2], "\n") {
			f := fieldRe.FindStringSubmatch(line)
			if f == nil {
				if strings.Contains(line, ";") {
					t.Fatalf("struct %s: cannot parse %q", m[1], line)
				}
				continue
			}
			elem := 1
			if f[2] != "" {
				bits, _ := strconv.Atoi(f[2])
				elem = bits / 8
			}
			n := 1
			if f[5] != "" {
				n, _ = strconv.Atoi(f[5])
			}
			off = (off + elem - 1) / elem * elem
			fields = append(fields, cField{name: f[3], off: off, size: elem * n, align: elem, elem: elem})
			off += elem * n
			maxAlign = max(maxAlign, elem)
		}
		size := (off + maxAlign - 1) / maxAlign * maxAlign
		fields = append(fields, cField{name: "sizeof", off: size})
		out[m[1]] = fields
	}
	return out
}

// TestABIHeader checks each Go mirror against goose_net.h: same fields in
// the same order at the same offsets with the same sizes, same total size.
func TestABIHeader(t *testing.T) {
	b, err := os.ReadFile(headerPath)
	if err != nil {
		t.Skipf("goose_net.h not found (%v); TestABIOffsets still checks the layout", err)
	}
	structs := parseStructs(t, string(b))
	for cname, v := range map[string]any{
		"goose_net_req":   Request{},
		"goose_net_rec":   Record{},
		"goose_net_name":  NameRecord{},
		"goose_net_link":  LinkRecord{},
		"goose_net_addr":  AddrRecord{},
		"goose_net_route": RouteRecord{},
	} {
		cf, ok := structs[cname]
		if !ok {
			t.Errorf("struct %s not in the header", cname)
			continue
		}
		typ := reflect.TypeOf(v)
		if typ.NumField() != len(cf)-1 {
			t.Errorf("%s: %d fields in C, %d in Go (%v)", cname, len(cf)-1, typ.NumField(), typ)
			continue
		}
		for i := 0; i < typ.NumField(); i++ {
			g := typ.Field(i)
			c := cf[i]
			if int(g.Offset) != c.off || int(g.Type.Size()) != c.size {
				t.Errorf("%s.%s: C offset %d size %d; Go %s at %d size %d", cname, c.name, c.off, c.size, g.Name, g.Offset, g.Type.Size())
			}
		}
		if int(typ.Size()) != cf[len(cf)-1].off {
			t.Errorf("%s: C size %d, Go %d", cname, cf[len(cf)-1].off, typ.Size())
		}
	}
	// The constants too.
	for name, want := range map[string]int{
		"GOOSE_NR_NET_PROVIDER": NrNetProvider, "GOOSE_NET_VERSION": NetVersion,
		"GOOSE_NET_CLOSE": NrClose, "GOOSE_NET_NONBLOCK": FlagNonblock,
		"GOOSE_NET_REPLY": KindReply, "GOOSE_NET_READY": KindReady, "GOOSE_NET_LINK": KindLink,
		"GOOSE_NET_ADDR": KindAddr, "GOOSE_NET_IFRESET": KindIfReset, "GOOSE_NET_NAME": KindName,
		"GOOSE_NET_ROUTE": KindRoute,
	} {
		m := regexp.MustCompile(`\b` + name + `\s*=?\s*(0x[0-9a-fA-F]+|\d+)u?\b`).FindStringSubmatch(string(b))
		if m == nil {
			t.Errorf("%s not in the header", name)
			continue
		}
		got, _ := strconv.ParseUint(m[1], 0, 64)
		if int(got) != want {
			t.Errorf("%s = %d in the header, %d here", name, got, want)
		}
	}
}

// TestABIOffsets checks the encoders against the byte offsets of
// goose_net.h (written out here, so that the check holds without the
// header): a record encoded by Go has each field where goose reads it.
func TestABIOffsets(t *testing.T) {
	r := Request{ID: 0x1111, Nr: 0x22, Flags: 0x33, Sock: 0x44, NewSock: 0x55, A: [6]uint64{1, 2, 3, 4, 5, 6}}
	b := make([]byte, RequestSize)
	r.Encode(b)
	if le.Uint64(b[0:]) != 0x1111 || le.Uint32(b[8:]) != 0x22 || le.Uint32(b[12:]) != 0x33 ||
		le.Uint64(b[16:]) != 0x44 || le.Uint64(b[24:]) != 0x55 || le.Uint64(b[32:]) != 1 || le.Uint64(b[72:]) != 6 {
		t.Fatalf("request layout: %x", b)
	}
	if DecodeRequest(b) != r {
		t.Fatal("request round trip")
	}
	rec := Record{Kind: KindReply, Events: 0x2005, Sock: 7, Seq: 8, ID: 9, Result: -11}
	b = make([]byte, RecordSize)
	rec.Encode(b)
	if le.Uint32(b[0:]) != 1 || le.Uint32(b[4:]) != 0x2005 || le.Uint64(b[8:]) != 7 || le.Uint64(b[16:]) != 8 ||
		le.Uint64(b[24:]) != 9 || int64(le.Uint64(b[32:])) != -11 {
		t.Fatalf("record layout: %x", b)
	}
	n := NameRecord{Peer: 1, Sock: 3, Len: 16, Addr: [28]byte{2, 0, 0x1f, 0x90}}
	n.Encode(b)
	if le.Uint32(b[0:]) != KindName || le.Uint32(b[4:]) != 1 || le.Uint64(b[8:]) != 3 || le.Uint32(b[16:]) != 16 ||
		b[20] != 2 || b[22] != 0x1f || b[23] != 0x90 {
		t.Fatalf("name layout: %x", b)
	}
	l := LinkRecord{Index: 2, Flags: 0x1043, MTU: 1500, Type: 1, AddrLen: 6, Addr: [8]byte{0x52, 0x54}}
	copy(l.Name[:], "eth0")
	l.Encode(b)
	if le.Uint32(b[0:]) != KindLink || le.Uint32(b[4:]) != 2 || le.Uint32(b[8:]) != 0x1043 || le.Uint32(b[12:]) != 1500 ||
		le.Uint16(b[16:]) != 1 || b[18] != 6 || b[20] != 0x52 || string(b[28:32]) != "eth0" || b[32] != 0 {
		t.Fatalf("link layout: %x", b)
	}
	a := AddrRecord{Index: 2, Family: afInet6, PrefixLen: 64, Scope: rtScopeLink, Addr: [16]byte{0xfe, 0x80}}
	a.Encode(b)
	if le.Uint32(b[0:]) != KindAddr || le.Uint32(b[4:]) != 2 || b[8] != afInet6 || b[9] != 64 || b[10] != 253 ||
		b[12] != 0xfe || b[13] != 0x80 {
		t.Fatalf("addr layout: %x", b)
	}
	rt := RouteRecord{Index: 2, Family: afInet, DstLen: 24, Scope: 253, Protocol: 2, Dst: [16]byte{10, 0, 2},
		Gateway: [16]byte{10, 0, 2, 2}, PrefSrc: [16]byte{10, 0, 2, 15}}
	rt.Encode(b)
	if le.Uint32(b[0:]) != KindRoute || le.Uint32(b[4:]) != 2 || b[8] != afInet || b[9] != 24 || b[10] != 253 ||
		b[11] != 2 || b[12] != 10 || b[14] != 2 || b[28] != 10 || b[31] != 2 || b[44] != 10 || b[47] != 15 {
		t.Fatalf("route layout: %x", b)
	}
}
