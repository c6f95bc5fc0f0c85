package stack

import "gvisor.dev/gvisor/pkg/tcpip"

// errnoOf translates a netstack error into the Linux errno a socket call
// returns for the same condition (positive; the reply carries -errno).
//
// Some translations depend on the call and are made there instead:
// ErrClosedForReceive is end of file (0) for reads; ErrWouldBlock on
// connect is EINPROGRESS.
func errnoOf(err tcpip.Error) int64 {
	switch err.(type) {
	case nil:
		return 0
	case *tcpip.ErrWouldBlock:
		return EAGAIN
	case *tcpip.ErrConnectStarted:
		return EINPROGRESS
	case *tcpip.ErrAlreadyConnecting:
		return EALREADY
	case *tcpip.ErrAlreadyConnected:
		return EISCONN
	case *tcpip.ErrNotConnected:
		return ENOTCONN
	case *tcpip.ErrConnectionRefused:
		return ECONNREFUSED
	case *tcpip.ErrConnectionReset:
		return ECONNRESET
	case *tcpip.ErrConnectionAborted:
		return ECONNABORTED
	case *tcpip.ErrTimeout:
		return ETIMEDOUT
	case *tcpip.ErrNetworkUnreachable:
		return ENETUNREACH
	case *tcpip.ErrHostUnreachable:
		return EHOSTUNREACH
	case *tcpip.ErrHostDown:
		return EHOSTDOWN
	case *tcpip.ErrNoNet:
		return ENONET
	case *tcpip.ErrClosedForSend, *tcpip.ErrAborted:
		// Writing to a socket whose sending side is shut (or to a
		// connection torn down under the writer) is a broken pipe.
		return EPIPE
	case *tcpip.ErrClosedForReceive:
		return 0
	case *tcpip.ErrPortInUse, *tcpip.ErrDuplicateAddress:
		return EADDRINUSE
	case *tcpip.ErrBadLocalAddress:
		return EADDRNOTAVAIL
	case *tcpip.ErrNoPortAvailable:
		// Linux: no free ephemeral port for connect (inet_hash_connect).
		return EADDRNOTAVAIL
	case *tcpip.ErrAlreadyBound:
		return EINVAL
	case *tcpip.ErrInvalidEndpointState, *tcpip.ErrInvalidOptionValue,
		*tcpip.ErrInvalidPortRange, *tcpip.ErrMalformedHeader,
		*tcpip.ErrUnknownProtocol, *tcpip.ErrMissingRequiredFields,
		*tcpip.ErrMulticastInputCannotBeOutput:
		return EINVAL
	case *tcpip.ErrAddressFamilyNotSupported:
		return EAFNOSUPPORT
	case *tcpip.ErrDestinationRequired:
		return EDESTADDRREQ
	case *tcpip.ErrMessageTooLong:
		return EMSGSIZE
	case *tcpip.ErrNoBufferSpace:
		return ENOBUFS
	case *tcpip.ErrBroadcastDisabled:
		return EACCES
	case *tcpip.ErrNotPermitted:
		return EPERM
	case *tcpip.ErrNotSupported:
		return EOPNOTSUPP
	case *tcpip.ErrQueueSizeNotSupported:
		return ENOTTY
	case *tcpip.ErrUnknownProtocolOption:
		return ENOPROTOOPT
	case *tcpip.ErrBadAddress, *tcpip.ErrBadBuffer:
		return EFAULT
	case *tcpip.ErrUnknownDevice, *tcpip.ErrUnknownNICID, *tcpip.ErrInvalidNICID:
		return ENODEV
	case *tcpip.ErrDuplicateNICID:
		return EEXIST
	case *tcpip.ErrNoSuchFile:
		return ENOENT
	case *tcpip.ErrEndpointBusy:
		return EBUSY
	}
	return EINVAL
}

// connError reports whether err is an error of the connection itself (what
// Linux keeps in sk_err and reports once, through SO_ERROR or the next call).
func connError(errno int64) bool {
	switch errno {
	case ECONNREFUSED, ECONNRESET, ECONNABORTED, ETIMEDOUT, ENETUNREACH, EHOSTUNREACH, EHOSTDOWN, ENONET:
		return true
	}
	return false
}
