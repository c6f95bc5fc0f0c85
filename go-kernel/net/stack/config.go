package stack

import (
	"fmt"
	"net/netip"
	"os"
	"strings"
	"time"
)

// Config is how the stack configures itself.
type Config struct {
	// Off: do nothing (GOOSE_NET=off).
	Off bool
	// Addr is a static IPv4 address with its prefix; when valid, no DHCP
	// runs (GOOSE_NET_ADDR).
	Addr netip.Prefix
	// Gateway is the default IPv4 gateway for a static Addr (GOOSE_NET_GW).
	Gateway netip.Addr
	// DNS are the name servers, overriding DHCP's (GOOSE_NET_DNS).
	DNS []netip.Addr
	// Wait is how long start-up waits for an IPv4 address
	// (GOOSE_NET_WAIT; 0: do not wait).
	Wait time.Duration
	// DNSOverTCP writes "options use-vc" to resolv.conf, so that Go's
	// resolver asks over TCP (GOOSE_NET_DNS_TCP=1; QEMU's guestfwd only
	// forwards TCP).
	DNSOverTCP bool

	// ResolvConf and Hosts are the files the stack writes (default
	// /etc/resolv.conf and /etc/hosts); "-" leaves them alone.
	ResolvConf, Hosts string
	// NoProvider: do not register as goose's network provider (tests, or
	// a program that only wants Netstack).
	NoProvider bool
	// Logf prints one event; default: a line on standard error prefixed
	// "goose-net: ".
	Logf func(format string, args ...any)
}

// DefaultWait is how long start-up waits for IPv4 when GOOSE_NET_WAIT is
// not set.
const DefaultWait = 10 * time.Second

// ConfigFromEnv reads the configuration from the environment (goose puts
// the boot arguments that contain "=" there). Unknown or malformed values
// are errors, each a clear sentence; the configuration returned is still
// usable (the bad value left out).
func ConfigFromEnv() (Config, []error) {
	c := Config{Wait: DefaultWait}
	var errs []error
	bad := func(name, v, why string) {
		errs = append(errs, fmt.Errorf("%s=%q: %s", name, v, why))
	}
	switch v := strings.ToLower(os.Getenv("GOOSE_NET")); v {
	case "", "on", "1", "yes", "true":
	case "off", "0", "no", "false":
		c.Off = true
	default:
		bad("GOOSE_NET", v, "want on or off")
	}
	if v := os.Getenv("GOOSE_NET_ADDR"); v != "" {
		p, err := netip.ParsePrefix(v)
		switch {
		case err != nil:
			bad("GOOSE_NET_ADDR", v, "want an IPv4 address with its prefix length, like 10.0.2.15/24")
		case !p.Addr().Is4():
			bad("GOOSE_NET_ADDR", v, "not an IPv4 address")
		default:
			c.Addr = p
		}
	}
	if v := os.Getenv("GOOSE_NET_GW"); v != "" {
		a, err := netip.ParseAddr(v)
		if err != nil || !a.Is4() {
			bad("GOOSE_NET_GW", v, "want an IPv4 address, like 10.0.2.2")
		} else {
			c.Gateway = a
		}
	}
	if v := os.Getenv("GOOSE_NET_DNS"); v != "" {
		for _, f := range strings.Split(v, ",") {
			a, err := netip.ParseAddr(strings.TrimSpace(f))
			if err != nil {
				bad("GOOSE_NET_DNS", v, fmt.Sprintf("%q is not an IP address", f))
				continue
			}
			c.DNS = append(c.DNS, a)
		}
	}
	if v := os.Getenv("GOOSE_NET_WAIT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil && v == "0" {
			d, err = 0, nil
		}
		if err != nil || d < 0 {
			bad("GOOSE_NET_WAIT", v, "want a duration, like 10s (0: do not wait)")
		} else {
			c.Wait = d
		}
	}
	switch v := strings.ToLower(os.Getenv("GOOSE_NET_DNS_TCP")); v {
	case "", "0", "off", "no", "false":
	case "1", "on", "yes", "true":
		c.DNSOverTCP = true
	default:
		bad("GOOSE_NET_DNS_TCP", v, "want 1 or 0")
	}
	if c.Gateway.IsValid() && !c.Addr.IsValid() {
		errs = append(errs, fmt.Errorf("GOOSE_NET_GW without GOOSE_NET_ADDR is ignored (DHCP gives the gateway)"))
		c.Gateway = netip.Addr{}
	}
	return c, errs
}
