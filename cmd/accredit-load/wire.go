package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"time"
)

// wireConn is one worker's own keep-alive connection for the scan and qr
// scenarios: the request head is written from a prepared prefix, and the
// answer read by readAnswer. The load tool shares the
// cores with the server and PostgreSQL, so every microsecond it spends is
// one the server does not get; http.Client's pool, per-request goroutines
// and header maps cost about twice this per scan, and net/http's
// ReadResponse another few microseconds of header maps. Plain http only;
// for https the scenario uses the shared client.
type wireConn struct {
	addr    string
	head    []byte // POST: request line and fixed headers, up to Content-Length's value
	base    string // GET: the base URL's path, which each request's path follows
	tail    []byte // GET: the rest of the head after the path
	timeout time.Duration
	conn    net.Conn
	br      *bufio.Reader
	bw      *bufio.Writer
}

// newWireConn prepares POSTs of JSON to path with token; nil when base is
// not plain http.
func newWireConn(base, path, token string, timeout time.Duration) *wireConn {
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "http" {
		return nil
	}
	head := "POST " + u.EscapedPath() + path + " HTTP/1.1\r\nHost: " + u.Host +
		"\r\nAuthorization: Bearer " + token + "\r\nContent-Type: application/json\r\nContent-Length: "
	return &wireConn{addr: u.Host, head: []byte(head), timeout: timeout}
}

// newWireGetter prepares GETs with token on one keep-alive connection,
// for the qr scenario; nil when base is not plain http.
func newWireGetter(base, token string, timeout time.Duration) *wireConn {
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "http" {
		return nil
	}
	tail := " HTTP/1.1\r\nHost: " + u.Host + "\r\nAuthorization: Bearer " + token + "\r\n\r\n"
	return &wireConn{addr: u.Host, base: u.EscapedPath(), tail: []byte(tail), timeout: timeout}
}

// post sends body and returns the status and the whole answer; the
// duration is time to the last byte, as for the shared client.
func (w *wireConn) post(body []byte) (resp, time.Duration, error) { return w.exchange("", body) }

// get fetches path (after the base URL's path) on a getter's connection.
func (w *wireConn) get(path string) (resp, time.Duration, error) { return w.exchange(path, nil) }

func (w *wireConn) exchange(path string, body []byte) (resp, time.Duration, error) {
	start := time.Now()
	r, err := w.roundTrip(path, body)
	if err != nil && w.conn != nil {
		w.conn.Close()
		w.conn = nil
	}
	return r, time.Since(start), err
}

func (w *wireConn) roundTrip(path string, body []byte) (resp, error) {
	if w.conn == nil {
		d := net.Dialer{Timeout: 5 * time.Second, Control: loopbackOnly}
		c, err := d.DialContext(context.Background(), "tcp", w.addr)
		if err != nil {
			return resp{}, err
		}
		w.conn, w.br, w.bw = c, bufio.NewReaderSize(c, 8192), bufio.NewWriterSize(c, 4096)
	}
	if err := w.conn.SetDeadline(time.Now().Add(w.timeout)); err != nil {
		return resp{}, err
	}
	if w.tail != nil {
		w.bw.WriteString("GET ")
		w.bw.WriteString(w.base)
		w.bw.WriteString(path)
		w.bw.Write(w.tail)
	} else {
		w.bw.Write(w.head)
		w.bw.WriteString(strconv.Itoa(len(body)))
		w.bw.WriteString("\r\n\r\n")
		w.bw.Write(body)
	}
	if err := w.bw.Flush(); err != nil {
		return resp{}, err
	}
	r, closing, err := readAnswer(w.br)
	if err != nil {
		return resp{}, err
	}
	if closing {
		w.conn.Close()
		w.conn = nil
	}
	return r, nil
}

// readAnswer reads one HTTP/1.1 answer framed by Content-Length, which is
// how accredit answers a scan or a QR (a body written whole), or by
// the end of the connection when it says "Connection: close" (net/http's
// own answers to a bad request); chunked framing is an error rather than
// a guess. closing reports "Connection: close".
func readAnswer(br *bufio.Reader) (r resp, closing bool, err error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return r, false, err
	}
	// "HTTP/1.1 200 OK\r\n"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
		return r, false, fmt.Errorf("malformed status line %q", line)
	}
	if r.status, err = strconv.Atoi(string(line[9:12])); err != nil {
		return r, false, fmt.Errorf("malformed status line %q", line)
	}
	length := -1
	for {
		line, err = br.ReadSlice('\n')
		if err != nil {
			return r, false, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return r, false, fmt.Errorf("malformed header %q", line)
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil || length < 0 {
				return r, false, fmt.Errorf("malformed Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("Content-Type")):
			r.ctype = string(value)
		case bytes.EqualFold(name, []byte("Connection")):
			closing = bytes.EqualFold(value, []byte("close"))
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			return r, false, fmt.Errorf("answer with Transfer-Encoding %q: only Content-Length is read", value)
		}
	}
	if length < 0 && closing {
		r.body, err = io.ReadAll(br)
		return r, true, err
	}
	if length < 0 {
		return r, false, errors.New("answer without Content-Length")
	}
	r.body = make([]byte, length)
	_, err = io.ReadFull(br, r.body)
	return r, closing, err
}

func (w *wireConn) close() {
	if w.conn != nil {
		w.conn.Close()
		w.conn = nil
	}
}
