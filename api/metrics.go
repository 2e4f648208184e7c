package api

import (
	"context"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/osce/accredit/domain"
)

type metrics struct {
	enabled  bool
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	scans    *prometheus.CounterVec
	scanTime prometheus.Histogram
}

func newMetrics(reg *prometheus.Registry, svc *domain.Service, enabled bool) *metrics {
	m := &metrics{enabled: enabled, registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "accredit_http_requests_total", Help: "HTTP requests by route, method and status."},
			[]string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "accredit_http_request_duration_seconds", Help: "HTTP request latency by route and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}},
			[]string{"route", "method"}),
		scans: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "accredit_scans_total", Help: "Processed badge scans by result and rejection reason."},
			[]string{"result", "reason"}),
		scanTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "accredit_scan_duration_seconds", Help: "Time to judge and record one scan.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25}}),
	}
	reg.MustRegister(m.requests, m.latency, m.scans, m.scanTime, nominationsCollector{svc},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	method := methodLabel(c)
	m.requests.WithLabelValues(route, method, strconv.Itoa(c.Writer.Status())).Inc()
	m.latency.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
}

func (m *metrics) handler() gin.HandlerFunc {
	h := promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
	return gin.WrapH(h)
}

// nominationsCollector counts nominations by status at scrape time: the
// database is the truth across processes, a counter in one would not be.
type nominationsCollector struct{ svc *domain.Service }

var nominationsDesc = prometheus.NewDesc("accredit_nominations", "Nominations by status (all events).", []string{"status"}, nil)

func (nominationsCollector) Describe(ch chan<- *prometheus.Desc) { ch <- nominationsDesc }

func (n nominationsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := n.svc.NominationCounts(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(nominationsDesc, err)
		return
	}
	for _, st := range domain.Statuses {
		ch <- prometheus.MustNewConstMetric(nominationsDesc, prometheus.GaugeValue, float64(counts[string(st)]), string(st))
	}
}

func (m *metrics) scanned(r *domain.ScanResult, d time.Duration) {
	reason := ""
	if r.Reason != nil {
		reason = *r.Reason
	}
	m.scans.WithLabelValues(r.Result, reason).Inc()
	m.scanTime.Observe(d.Seconds())
}
