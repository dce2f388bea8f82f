package provider

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// logLines are the messages and fields a test logger received.
func logLines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	entries, err := tflogtest.MultilineJSONDecode(buf)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// A long run logs how many of how many are done, every progressEvery of a
// made-up clock (no real time passes), and a summary at the end.
func TestProgress_log_everyTenSecondsAndASummary(t *testing.T) {
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	c := polar.Container{Kind: polar.ContainerSubscription, ID: "0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d"}
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := startProgress(ctx, "assigned", c, 10, func() time.Time { return clock })
	// One item every 3 s, the fourth fails: lines after 12 s (4 done) and
	// 24 s (8 done); the tenth ends the run, where the summary speaks.
	for i := 1; i <= 10; i++ {
		clock = clock.Add(3 * time.Second)
		p.step(i == 4)
	}
	p.finish(0)
	var msgs []string
	lines := logLines(t, &buf)
	for _, l := range lines {
		msgs = append(msgs, l["@message"].(string)) //nolint:forcetypeassert // every entry has a message
		if l["@level"] != "info" {
			t.Errorf("logged at %v, want info: %v", l["@level"], l["@message"])
		}
	}
	want := []string{
		"Seats of the subscription 0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d: 3 of 10 assigned so far, 1 failed, after 12s",
		"Seats of the subscription 0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d: 7 of 10 assigned so far, 1 failed, after 24s",
		"Seats of the subscription 0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d: 9 of 10 assigned, 1 failed, 0 not started, in 30s",
	}
	if strings.Join(msgs, "\n") != strings.Join(want, "\n") {
		t.Fatalf("logged\n%s\nwant\n%s", strings.Join(msgs, "\n"), strings.Join(want, "\n"))
	}
	if last := lines[len(lines)-1]; last["total"] != float64(10) || last["succeeded"] != float64(9) || last["failed"] != float64(1) || last["operation"] != "assigned" {
		t.Fatalf("summary fields %v", last)
	}
}

// forEach, which runs every assignment and revoke of the assignments
// resource, ends with the summary: revokes done, failed and not started.
func TestProgress_log_forEachSummary(t *testing.T) {
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf) // progress logs under its own lock
	c := polar.Container{Kind: polar.ContainerOrder, ID: "0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d"}
	items := []string{"a", "b", "c", "d", "e"}
	forEach(ctx, "revoked", c, items, func(s string) (heldSeat, bool, diag.Diagnostics) {
		var d diag.Diagnostics
		if s == "b" {
			d.AddError("Seat b not revoked", "test")
		}
		return heldSeat{id: s}, d.HasError(), d
	})
	lines := logLines(t, &buf)
	want := "Seats of the order 0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d: 4 of 5 revoked, 1 failed, 0 not started, in "
	if len(lines) == 0 || !strings.HasPrefix(lines[len(lines)-1]["@message"].(string), want) { //nolint:forcetypeassert // every entry has a message
		t.Fatalf("no summary %q…: %v", want, lines)
	}
}
