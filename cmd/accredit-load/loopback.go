package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"syscall"
)

// loopbackBase checks that raw is an http(s) URL of a loopback host
// (127.0.0.0/8, ::1, localhost) and returns it without a trailing slash.
// This tool generates real load; it must never be aimed at another machine.
func loopbackBase(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("-url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("-url %q: the scheme must be http or https", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("-url %q: give only scheme, host, port and path", raw)
	}
	if !isLoopbackHost(u.Hostname()) {
		return "", fmt.Errorf("-url %q: refusing a host that is not a loopback address (127.0.0.0/8, ::1, localhost)", raw)
	}
	return u.Scheme + "://" + u.Host + strings.TrimRight(u.EscapedPath(), "/"), nil
}

// isLoopbackHost accepts "localhost" and literal loopback IPs only; any
// other name could resolve anywhere.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// loopbackOnly is the dialer's last word: whatever a name resolved to, the
// socket may only connect to a loopback IP (so neither an odd /etc/hosts
// entry for localhost nor a redirect can send the load elsewhere).
func loopbackOnly(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return errors.New("accredit-load: refusing to connect to non-loopback address " + address)
	}
	return nil
}
