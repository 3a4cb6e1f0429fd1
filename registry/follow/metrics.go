package follow

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are a Node's Prometheus metrics. A nil *Metrics records nothing.
type Metrics struct {
	seq        *prometheus.GaugeVec
	expires    *prometheus.GaugeVec
	lastSync   *prometheus.GaugeVec
	syncErrors *prometheus.CounterVec
	pushErrors *prometheus.CounterVec
	unmirrored *prometheus.GaugeVec
	mirrorErrs *prometheus.CounterVec
}

// NewMetrics registers a Node's metrics with reg:
//
//	svcreg_head_seq{registry}                  the sequence of the head kept
//	svcreg_record_expiry_seconds{registry}     Unix time the head's record expires
//	svcreg_last_sync_seconds{registry}         Unix time of the last valid answer (own: last check)
//	svcreg_sync_errors_total{registry}         syncs, mirrors and re-signings that failed
//	svcreg_push_errors_total{registry,replica} pushes to a replica that failed
//	svcreg_unmirrored_releases{registry}       releases of the head that could not be mirrored
//	svcreg_mirror_errors_total{registry}       attempts to mirror a release that failed
//
// The lag of a mirror is time() - svcreg_last_sync_seconds; a record about
// to expire shows in svcreg_record_expiry_seconds - time(). Every metric
// exists from the start: the sequence, the end of life and the last sync
// are 0 until known, so that expiry and lag alerts fire for a registry
// the node has no record of. Releases are counted, never labelled, so
// the series stay few whatever an upstream does.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		seq:        prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "svcreg_head_seq", Help: "Sequence of the head kept, per registry."}, []string{"registry"}),
		expires:    prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "svcreg_record_expiry_seconds", Help: "Unix time the head's record expires."}, []string{"registry"}),
		lastSync:   prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "svcreg_last_sync_seconds", Help: "Unix time of the last valid answer from the upstreams."}, []string{"registry"}),
		syncErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "svcreg_sync_errors_total", Help: "Failed syncs, mirrors and re-signings."}, []string{"registry"}),
		pushErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "svcreg_push_errors_total", Help: "Failed pushes to replicas."}, []string{"registry", "replica"}),
		unmirrored: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "svcreg_unmirrored_releases", Help: "Releases of the head that could not be mirrored."}, []string{"registry"}),
		mirrorErrs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "svcreg_mirror_errors_total", Help: "Failed attempts to mirror a release."}, []string{"registry"}),
	}
	for _, c := range []prometheus.Collector{m.seq, m.expires, m.lastSync, m.syncErrors, m.pushErrors, m.unmirrored, m.mirrorErrs} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Metrics) head(name string, seq uint64, eol, at time.Time, synced bool) {
	if m == nil {
		return
	}
	m.seq.WithLabelValues(name).Set(float64(seq))
	m.expires.WithLabelValues(name).Set(float64(eol.Unix()))
	if synced && !at.IsZero() {
		m.lastSync.WithLabelValues(name).Set(float64(at.Unix()))
	}
}

// track makes the metrics of registry name and its replicas exist (at
// 0), so that they are served before the first head and the first error.
func (m *Metrics) track(name string, replicas []Replica) {
	if m == nil {
		return
	}
	m.seq.WithLabelValues(name)
	m.expires.WithLabelValues(name)
	m.lastSync.WithLabelValues(name)
	m.unmirrored.WithLabelValues(name)
	m.mirrorErrs.WithLabelValues(name)
	m.syncErrors.WithLabelValues(name)
	for _, r := range replicas {
		m.pushErrors.WithLabelValues(name, r.Name)
	}
}

func (m *Metrics) syncError(name string) {
	if m != nil {
		m.syncErrors.WithLabelValues(name).Inc()
	}
}

func (m *Metrics) pushError(name, replica string) {
	if m != nil {
		m.pushErrors.WithLabelValues(name, replica).Inc()
	}
}

func (m *Metrics) mirrorError(name string) {
	if m != nil {
		m.mirrorErrs.WithLabelValues(name).Inc()
	}
}

func (m *Metrics) unmirroredReleases(name string, n int) {
	if m != nil {
		m.unmirrored.WithLabelValues(name).Set(float64(n))
	}
}
