package stack

// Linux constants of the riscv64 ABI the provider answers in. They are
// written out here rather than taken from package syscall so that the host
// tests (amd64, or any GOOS) speak exactly the target's ABI. riscv64 uses
// the asm-generic headers throughout.

// System call numbers: include/uapi/asm-generic/unistd.h.
const (
	sysIoctl       = 29
	sysRead        = 63
	sysWrite       = 64
	sysReadv       = 65
	sysWritev      = 66
	sysSendfile    = 71
	sysSocket      = 198
	sysBind        = 200
	sysListen      = 201
	sysAccept      = 202
	sysConnect     = 203
	sysGetsockname = 204
	sysGetpeername = 205
	sysSendto      = 206
	sysRecvfrom    = 207
	sysSetsockopt  = 208
	sysGetsockopt  = 209
	sysShutdown    = 210
	sysSendmsg     = 211
	sysRecvmsg     = 212
	sysAccept4     = 242
)

// Error numbers: include/uapi/asm-generic/errno-base.h and errno.h.
const (
	ENOENT          = 2
	EIO             = 5
	EBADF           = 9
	EAGAIN          = 11
	ENOMEM          = 12
	EACCES          = 13
	EFAULT          = 14
	EBUSY           = 16
	EEXIST          = 17
	ENODEV          = 19
	EINVAL          = 22
	ENOTTY          = 25
	EPIPE           = 32
	ENOSYS          = 38
	ENONET          = 64
	EDESTADDRREQ    = 89
	EMSGSIZE        = 90
	ENOPROTOOPT     = 92
	EPROTONOSUPPORT = 93
	ESOCKTNOSUPPORT = 94
	EOPNOTSUPP      = 95
	EAFNOSUPPORT    = 97
	EADDRINUSE      = 98
	EADDRNOTAVAIL   = 99
	ENETUNREACH     = 101
	ECONNABORTED    = 103
	ECONNRESET      = 104
	ENOBUFS         = 105
	EISCONN         = 106
	ENOTCONN        = 107
	ETIMEDOUT       = 110
	ECONNREFUSED    = 111
	EHOSTDOWN       = 112
	EHOSTUNREACH    = 113
	EALREADY        = 114
	EINPROGRESS     = 115
	EPERM           = 1
)

// Address families (include/linux/socket.h) and socket types
// (include/linux/net.h; SOCK_NONBLOCK and SOCK_CLOEXEC from
// include/uapi/asm-generic/fcntl.h: O_NONBLOCK 04000, O_CLOEXEC 02000000).
const (
	afUnspec = 0
	afInet   = 2
	afInet6  = 10

	sockStream    = 1
	sockDgram     = 2
	sockTypeMask  = 0xf
	sockNonblock  = 0o4000
	sockCloexec   = 0o2000000
	sockMaxLinux  = 10 // SOCK_PACKET: the highest type Linux knows
	sockSeqpacket = 5
)

// Protocols: include/uapi/linux/in.h.
const (
	ipprotoIP   = 0
	ipprotoTCP  = 6
	ipprotoUDP  = 17
	ipprotoIPv6 = 41
)

// Socket options. SOL_SOCKET and SO_*: include/uapi/asm-generic/socket.h.
const (
	solSocket = 1

	soReuseAddr    = 2
	soType         = 3
	soError        = 4
	soBroadcast    = 6
	soSndbuf       = 7
	soRcvbuf       = 8
	soKeepAlive    = 9
	soOOBInline    = 10
	soLinger       = 13
	soReusePort    = 15
	soRcvLowat     = 18
	soRcvTimeoOld  = 20
	soSndTimeoOld  = 21
	soBindToDevice = 25
	soAcceptConn   = 30
	soProtocol     = 38
	soDomain       = 39
	soRcvTimeoNew  = 66
	soSndTimeoNew  = 67
)

// IPPROTO_TCP options: include/uapi/linux/tcp.h.
const (
	tcpNodelay     = 1
	tcpMaxseg      = 2
	tcpCork        = 3
	tcpKeepIdle    = 4
	tcpKeepIntvl   = 5
	tcpKeepCnt     = 6
	tcpQuickAck    = 12
	tcpUserTimeout = 18

	maxTCPKeepIdle  = 32767 // include/net/tcp.h MAX_TCP_KEEPIDLE
	maxTCPKeepIntvl = 32767 // MAX_TCP_KEEPINTVL
	maxTCPKeepCnt   = 127   // MAX_TCP_KEEPCNT
)

// IPPROTO_IP options: include/uapi/linux/in.h.
const (
	ipTOS            = 1
	ipTTL            = 2
	ipMulticastIF    = 32
	ipMulticastTTL   = 33
	ipMulticastLoop  = 34
	ipAddMembership  = 35
	ipDropMembership = 36
)

// IPPROTO_IPV6 options: include/uapi/linux/in6.h.
const (
	ipv6UnicastHops   = 16
	ipv6MulticastIF   = 17
	ipv6MulticastHops = 18
	ipv6MulticastLoop = 19
	ipv6JoinGroup     = 20 // IPV6_ADD_MEMBERSHIP
	ipv6LeaveGroup    = 21 // IPV6_DROP_MEMBERSHIP
	ipv6V6Only        = 26
	ipv6TClass        = 67
)

// Message flags: include/linux/socket.h.
const (
	msgOOB      = 0x1
	msgPeek     = 0x2
	msgCtrunc   = 0x8
	msgTrunc    = 0x20
	msgDontWait = 0x40
	msgEOR      = 0x80
	msgWaitAll  = 0x100
	msgNoSignal = 0x4000
	msgMore     = 0x8000
)

// shutdown's how: include/linux/net.h (SHUT_RD 0, SHUT_WR 1, SHUT_RDWR 2).
const (
	shutRD   = 0
	shutWR   = 1
	shutRDWR = 2
)

// ioctl requests: include/uapi/asm-generic/ioctls.h (FIONREAD is SIOCINQ,
// TIOCOUTQ is SIOCOUTQ: include/uapi/linux/sockios.h).
const (
	ioctlFIONREAD = 0x541B
	ioctlTIOCOUTQ = 0x5411
)

// Poll bits: include/uapi/linux/eventpoll.h.
const (
	EPOLLIN     = 0x1
	EPOLLPRI    = 0x2
	EPOLLOUT    = 0x4
	EPOLLERR    = 0x8
	EPOLLHUP    = 0x10
	EPOLLRDNORM = 0x40
	EPOLLWRNORM = 0x100
	EPOLLRDHUP  = 0x2000
)

// Layouts of the riscv64 user structures the provider reads and writes
// (LP64: pointers and size_t 8 bytes, int and socklen_t 4).
const (
	sizeofSockaddrIn  = 16 // include/uapi/linux/in.h struct sockaddr_in
	sizeofSockaddrIn6 = 28 // include/uapi/linux/in6.h struct sockaddr_in6
	sin6LenRFC2133    = 24 // sockaddr_in6 without sin6_scope_id (accepted by Linux)
	sizeofMsghdr      = 56 // include/linux/socket.h struct user_msghdr
	sizeofIovec       = 16 // include/uapi/linux/uio.h struct iovec
	uioMaxIov         = 1024
	sizeofLinger      = 8 // struct linger { int l_onoff; int l_linger; }

	msghdrName       = 0  // void *msg_name
	msghdrNamelen    = 8  // int msg_namelen
	msghdrIov        = 16 // struct iovec *msg_iov
	msghdrIovlen     = 24 // size_t msg_iovlen
	msghdrControl    = 32 // void *msg_control
	msghdrControllen = 40 // size_t msg_controllen
	msghdrFlags      = 48 // unsigned int msg_flags
)

// Interface flags (include/uapi/linux/if.h), hardware types
// (include/uapi/linux/if_arp.h) and address scopes
// (include/uapi/linux/rtnetlink.h).
const (
	iffUp        = 0x1
	iffBroadcast = 0x2
	iffLoopback  = 0x8
	iffRunning   = 0x40
	iffMulticast = 0x1000

	arphrdEther    = 1
	arphrdLoopback = 772

	rtScopeUniverse = 0
	rtScopeLink     = 253
	rtScopeHost     = 254

	// include/uapi/linux/rtnetlink.h: who made a route.
	rtprotKernel = 2
	rtprotBoot   = 3
	rtprotRA     = 9
	rtprotDHCP   = 16
)
