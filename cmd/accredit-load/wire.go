package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// wireConn is one scanner's own keep-alive connection for the scan
// scenario: the request head is written once per scan from a prepared
// prefix, and the answer parsed by net/http's ReadResponse. The load tool
// shares the cores with the server and PostgreSQL, so every microsecond it
// spends is one the server does not get; http.Client's pool, per-request
// goroutines and header maps cost about twice this per scan. Plain http
// only; for https the scenario uses the shared client.
type wireConn struct {
	addr    string
	head    []byte // request line and fixed headers, up to Content-Length's value
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

// post sends body and returns the status and the whole answer; the
// duration is time to the last byte, as for the shared client.
func (w *wireConn) post(body []byte) (resp, time.Duration, error) {
	start := time.Now()
	r, err := w.roundTrip(body)
	if err != nil && w.conn != nil {
		w.conn.Close()
		w.conn = nil
	}
	return r, time.Since(start), err
}

func (w *wireConn) roundTrip(body []byte) (resp, error) {
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
	w.bw.Write(w.head)
	w.bw.WriteString(strconv.Itoa(len(body)))
	w.bw.WriteString("\r\n\r\n")
	w.bw.Write(body)
	if err := w.bw.Flush(); err != nil {
		return resp{}, err
	}
	res, err := http.ReadResponse(w.br, nil)
	if err != nil {
		return resp{}, err
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return resp{}, err
	}
	if res.Close {
		w.conn.Close()
		w.conn = nil
	}
	return resp{status: res.StatusCode, ctype: res.Header.Get("Content-Type"), body: b}, nil
}

func (w *wireConn) close() {
	if w.conn != nil {
		w.conn.Close()
		w.conn = nil
	}
}
