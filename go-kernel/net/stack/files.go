package stack

import (
	"errors"
	"io/fs"
	"os"
	"strings"
)

// The resolver's files. Go's resolver reads /etc/resolv.conf (and
// /etc/hosts) itself; the provider writes them once it knows the name
// servers, unless an initramfs brought its own resolv.conf.

func (s *Stack) resolvPath() string {
	if s.cfg.ResolvConf == "" {
		return "/etc/resolv.conf"
	}
	return s.cfg.ResolvConf
}

func (s *Stack) hostsPath() string {
	if s.cfg.Hosts == "" {
		return "/etc/hosts"
	}
	return s.cfg.Hosts
}

// prepareFiles decides, before anything is written, whether resolv.conf is
// ours (it did not exist), and gives localhost its IPv6 address in
// /etc/hosts, which goose writes with 127.0.0.1 only: with the provider,
// ::1 works.
func (s *Stack) prepareFiles() {
	if p := s.resolvPath(); p != "-" {
		_, err := os.Stat(p)
		s.mu.Lock()
		s.ownResolv = errors.Is(err, fs.ErrNotExist)
		s.mu.Unlock()
	}
	if p := s.hostsPath(); p != "-" {
		b, err := os.ReadFile(p)
		if err != nil || hasV6Localhost(string(b)) {
			return
		}
		text := string(b)
		if text != "" && !strings.HasSuffix(text, "\n") {
			text += "\n"
		}
		if err := os.WriteFile(p, []byte(text+"::1\tlocalhost\n"), 0o644); err != nil {
			s.logf("cannot add ::1 to %s: %v", p, err)
		}
	}
}

// hasV6Localhost reports whether a hosts file already names ::1.
func hasV6Localhost(text string) bool {
	for _, line := range strings.Split(text, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == "::1" {
			return true
		}
	}
	return false
}

// writeResolvConf writes the name servers we know, when the file is ours
// and there is something to say.
func (s *Stack) writeResolvConf() {
	s.mu.Lock()
	own, servers, domain := s.ownResolv, s.dns, s.domain
	s.mu.Unlock()
	if !own || len(servers) == 0 {
		return
	}
	var b strings.Builder
	b.WriteString("# written by goose-net\n")
	for _, a := range servers {
		b.WriteString("nameserver " + a.String() + "\n")
	}
	if domain != "" {
		b.WriteString("search " + domain + "\n")
	}
	if s.cfg.DNSOverTCP {
		// Go's resolver honours use-vc: queries go over TCP.
		b.WriteString("options use-vc\n")
	}
	text := b.String()
	s.mu.Lock()
	same := text == s.lastResolv
	s.lastResolv = text
	s.mu.Unlock()
	if same {
		return
	}
	if err := os.WriteFile(s.resolvPath(), []byte(text), 0o644); err != nil {
		s.logf("cannot write %s: %v", s.resolvPath(), err)
	}
}
