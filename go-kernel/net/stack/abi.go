package stack

import (
	"encoding/binary"
	"unsafe"
)

// The provider ABI: a Go mirror of payload/include/uapi/goose_net.h. The
// header is the authority; abi_test.go parses it and checks every field's
// offset and every struct's size against the Go types below. Records cross
// the provider file as little-endian bytes (goose runs on riscv64, which is
// little-endian); they are encoded and decoded with encoding/binary, so the
// structs here describe the layout and are never cast from raw memory.

const (
	// NrNetProvider is GOOSE_NR_NET_PROVIDER: the system call that makes
	// the calling program the network provider and returns the provider
	// file's descriptor.
	NrNetProvider = 0x1001
	// NetVersion is GOOSE_NET_VERSION, passed in a0 of the registration.
	NetVersion = 1

	// NrClose is GOOSE_NET_CLOSE: not a system call number; the socket's
	// last descriptor was closed (id 0: no reply is awaited).
	NrClose = 0xffffffff

	// FlagNonblock is GOOSE_NET_NONBLOCK: the descriptor the call came
	// through is O_NONBLOCK. Informational: every call is answered as a
	// non-blocking one would be, and goose does the waiting.
	FlagNonblock = 1
)

// Record kinds (enum goose_net_kind).
const (
	KindReply   = 1 // GOOSE_NET_REPLY: completes a request
	KindReady   = 2 // GOOSE_NET_READY: a socket's readiness
	KindLink    = 3 // GOOSE_NET_LINK: one interface (RTM_NEWLINK)
	KindAddr    = 4 // GOOSE_NET_ADDR: one address (RTM_NEWADDR)
	KindIfReset = 5 // GOOSE_NET_IFRESET: forget the interfaces told so far
	KindName    = 6 // GOOSE_NET_NAME: a socket's own or peer name
	KindRoute   = 7 // GOOSE_NET_ROUTE: one route of the main table (RTM_GETROUTE)
)

// Request is struct goose_net_req: one system call on a provider socket.
type Request struct {
	ID      uint64    // the reply's id; 0: no reply awaited
	Nr      uint32    // Linux riscv64 system call number, or NrClose
	Flags   uint32    // Flag*
	Sock    uint64    // the socket's handle (0 for socket())
	NewSock uint64    // socket, accept, accept4: the handle of the socket it makes
	A       [6]uint64 // the arguments as the program gave them (A[0]: its fd)
}

// Record is struct goose_net_rec: REPLY and READY records (and IFRESET,
// which uses only Kind).
type Record struct {
	Kind   uint32   // Kind*
	Events uint32   // REPLY, READY: the socket's readiness (EPOLL* bits)
	Sock   uint64   // REPLY, READY: the socket's handle (REPLY: 0 for none)
	Seq    uint64   // REPLY, READY: the snapshot's number; 0: Events says nothing
	ID     uint64   // REPLY: the request's id
	Result int64    // REPLY: what the call returns: >= 0 or -errno
	Pad    [24]byte // zero
}

// NameRecord is struct goose_net_name: a socket's name (getsockname) or its
// peer's (getpeername). goose answers those two calls itself from these
// records, because Go makes them with RawSyscall, which keeps its P: at
// GOMAXPROCS 1 nothing could run the provider while they waited.
type NameRecord struct {
	Kind uint32
	Peer uint32   // 0: the socket's own name, 1: its peer's
	Sock uint64   //
	Len  uint32   // bytes of Addr: 16 (sockaddr_in), 28 (sockaddr_in6); 0: none
	Addr [28]byte // the sockaddr, as Linux's getsockname writes it
	Pad  [16]byte //
}

// LinkRecord is struct goose_net_link: one interface, as RTM_NEWLINK tells it.
type LinkRecord struct {
	Kind    uint32
	Index   int32    // ifindex, from 1
	Flags   uint32   // IFF_*
	MTU     uint32   //
	Type    uint16   // ARPHRD_ETHER 1, ARPHRD_LOOPBACK 772
	AddrLen uint8    // bytes of Addr used (6 for Ethernet)
	Pad0    uint8    //
	Addr    [8]byte  // hardware address
	Name    [16]byte // NUL-terminated
	Pad     [20]byte //
}

// AddrRecord is struct goose_net_addr: one address, as RTM_NEWADDR tells it.
type AddrRecord struct {
	Kind      uint32
	Index     int32    // its interface
	Family    uint8    // AF_INET, AF_INET6
	PrefixLen uint8    //
	Scope     uint8    // RT_SCOPE_UNIVERSE 0, RT_SCOPE_LINK 253, RT_SCOPE_HOST 254
	Pad0      uint8    //
	Addr      [16]byte // 4 bytes used for AF_INET
	Pad       [36]byte //
}

// RouteRecord is struct goose_net_route: one route, as RTM_NEWROUTE tells it.
type RouteRecord struct {
	Kind     uint32
	Index    int32    // the interface it goes out of (RTA_OIF)
	Family   uint8    // AF_INET, AF_INET6
	DstLen   uint8    // the destination's prefix length (0: default route)
	Scope    uint8    // RT_SCOPE_UNIVERSE 0 (through a gateway), RT_SCOPE_LINK 253
	Protocol uint8    // RTPROT_KERNEL 2, RTPROT_BOOT 3, RTPROT_RA 9, RTPROT_DHCP 16
	Dst      [16]byte // RTA_DST (4 bytes for AF_INET)
	Gateway  [16]byte // RTA_GATEWAY; all zero: none
	PrefSrc  [16]byte // RTA_PREFSRC; all zero: none
	Pad      [4]byte  //
}

// Sizes fixed by the _Static_asserts of goose_net.h.
const (
	RequestSize = 80
	RecordSize  = 64
)

// Compile-time size checks: each constant expression underflows (a compile
// error for an untyped-to-uintptr constant) unless the size is exact.
const (
	_ uintptr = RequestSize - unsafe.Sizeof(Request{})
	_ uintptr = unsafe.Sizeof(Request{}) - RequestSize
	_ uintptr = RecordSize - unsafe.Sizeof(Record{})
	_ uintptr = unsafe.Sizeof(Record{}) - RecordSize
	_ uintptr = RecordSize - unsafe.Sizeof(NameRecord{})
	_ uintptr = unsafe.Sizeof(NameRecord{}) - RecordSize
	_ uintptr = RecordSize - unsafe.Sizeof(LinkRecord{})
	_ uintptr = unsafe.Sizeof(LinkRecord{}) - RecordSize
	_ uintptr = RecordSize - unsafe.Sizeof(AddrRecord{})
	_ uintptr = unsafe.Sizeof(AddrRecord{}) - RecordSize
	_ uintptr = RecordSize - unsafe.Sizeof(RouteRecord{})
	_ uintptr = unsafe.Sizeof(RouteRecord{}) - RecordSize
)

var le = binary.LittleEndian

// DecodeRequest decodes one request record; b holds at least RequestSize
// bytes.
func DecodeRequest(b []byte) Request {
	_ = b[RequestSize-1]
	r := Request{
		ID:      le.Uint64(b[0:]),
		Nr:      le.Uint32(b[8:]),
		Flags:   le.Uint32(b[12:]),
		Sock:    le.Uint64(b[16:]),
		NewSock: le.Uint64(b[24:]),
	}
	for i := range r.A {
		r.A[i] = le.Uint64(b[32+8*i:])
	}
	return r
}

// Encode writes the request into b (RequestSize bytes); used by tests and
// by anything that plays goose's part.
func (r *Request) Encode(b []byte) {
	_ = b[RequestSize-1]
	le.PutUint64(b[0:], r.ID)
	le.PutUint32(b[8:], r.Nr)
	le.PutUint32(b[12:], r.Flags)
	le.PutUint64(b[16:], r.Sock)
	le.PutUint64(b[24:], r.NewSock)
	for i, a := range r.A {
		le.PutUint64(b[32+8*i:], a)
	}
}

// Encode writes the record into b (RecordSize bytes).
func (r *Record) Encode(b []byte) {
	_ = b[RecordSize-1]
	le.PutUint32(b[0:], r.Kind)
	le.PutUint32(b[4:], r.Events)
	le.PutUint64(b[8:], r.Sock)
	le.PutUint64(b[16:], r.Seq)
	le.PutUint64(b[24:], r.ID)
	le.PutUint64(b[32:], uint64(r.Result))
	copy(b[40:64], r.Pad[:])
}

// DecodeRecord decodes a REPLY, READY or IFRESET record.
func DecodeRecord(b []byte) Record {
	_ = b[RecordSize-1]
	r := Record{
		Kind:   le.Uint32(b[0:]),
		Events: le.Uint32(b[4:]),
		Sock:   le.Uint64(b[8:]),
		Seq:    le.Uint64(b[16:]),
		ID:     le.Uint64(b[24:]),
		Result: int64(le.Uint64(b[32:])),
	}
	copy(r.Pad[:], b[40:64])
	return r
}

// Encode writes the name record into b (RecordSize bytes).
func (n *NameRecord) Encode(b []byte) {
	_ = b[RecordSize-1]
	clear(b[:RecordSize])
	le.PutUint32(b[0:], KindName)
	le.PutUint32(b[4:], n.Peer)
	le.PutUint64(b[8:], n.Sock)
	le.PutUint32(b[16:], n.Len)
	copy(b[20:48], n.Addr[:])
}

// DecodeName decodes a NAME record.
func DecodeName(b []byte) NameRecord {
	_ = b[RecordSize-1]
	n := NameRecord{Kind: le.Uint32(b[0:]), Peer: le.Uint32(b[4:]), Sock: le.Uint64(b[8:]), Len: le.Uint32(b[16:])}
	copy(n.Addr[:], b[20:48])
	return n
}

// Encode writes the link record into b (RecordSize bytes).
func (l *LinkRecord) Encode(b []byte) {
	_ = b[RecordSize-1]
	clear(b[:RecordSize])
	le.PutUint32(b[0:], KindLink)
	le.PutUint32(b[4:], uint32(l.Index))
	le.PutUint32(b[8:], l.Flags)
	le.PutUint32(b[12:], l.MTU)
	le.PutUint16(b[16:], l.Type)
	b[18] = l.AddrLen
	copy(b[20:28], l.Addr[:])
	copy(b[28:44], l.Name[:])
}

// Encode writes the address record into b (RecordSize bytes).
func (a *AddrRecord) Encode(b []byte) {
	_ = b[RecordSize-1]
	clear(b[:RecordSize])
	le.PutUint32(b[0:], KindAddr)
	le.PutUint32(b[4:], uint32(a.Index))
	b[8] = a.Family
	b[9] = a.PrefixLen
	b[10] = a.Scope
	copy(b[12:28], a.Addr[:])
}

// Encode writes the route record into b (RecordSize bytes).
func (r *RouteRecord) Encode(b []byte) {
	_ = b[RecordSize-1]
	clear(b[:RecordSize])
	le.PutUint32(b[0:], KindRoute)
	le.PutUint32(b[4:], uint32(r.Index))
	b[8] = r.Family
	b[9] = r.DstLen
	b[10] = r.Scope
	b[11] = r.Protocol
	copy(b[12:28], r.Dst[:])
	copy(b[28:44], r.Gateway[:])
	copy(b[44:60], r.PrefSrc[:])
}
