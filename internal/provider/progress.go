package provider

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// progressEvery is how often a long run of assignments or revokes logs how
// far it has come: as often as Terraform prints "Still modifying…", which
// carries no numbers.
const progressEvery = 10 * time.Second

// progress counts the assignments or revokes of one operation and logs
// (tflog Info) how many of how many are done, at most every progressEvery,
// and a summary at the end. It is safe for concurrent use.
type progress struct {
	ctx       context.Context
	verb      string // "assigned" or "revoked"
	container polar.Container
	total     int
	now       func() time.Time

	mu           sync.Mutex
	done, failed int
	start, last  time.Time
}

func startProgress(ctx context.Context, verb string, c polar.Container, total int, now func() time.Time) *progress {
	t := now()
	return &progress{ctx: ctx, verb: verb, container: c, total: total, now: now, start: t, last: t}
}

// step records one item finished, failed or not, and logs the count when
// progressEvery has passed since the last line.
func (p *progress) step(failed bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if failed {
		p.failed++
	}
	if t := p.now(); t.Sub(p.last) >= progressEvery && p.done < p.total {
		p.last = t
		tflog.Info(p.ctx, fmt.Sprintf("Seats of the %s: %d of %d %s so far, %d failed, after %s",
			p.container, p.done-p.failed, p.total, p.verb, p.failed, t.Sub(p.start).Round(time.Second)), p.fields(t, 0))
	}
}

// finish logs the summary; notStarted items were never sent (the operation
// ended first).
func (p *progress) finish(notStarted int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.now()
	tflog.Info(p.ctx, fmt.Sprintf("Seats of the %s: %d of %d %s, %d failed, %d not started, in %s",
		p.container, p.done-p.failed, p.total, p.verb, p.failed, notStarted, t.Sub(p.start).Round(time.Millisecond)), p.fields(t, notStarted))
}

func (p *progress) fields(t time.Time, notStarted int) map[string]any {
	return map[string]any{"container": p.container.String(), "operation": p.verb, "total": p.total, "succeeded": p.done - p.failed,
		"failed": p.failed, "not_started": notStarted, "elapsed_ms": t.Sub(p.start).Milliseconds()}
}
