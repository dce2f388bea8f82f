package main

import (
	"strings"
	"testing"
	"time"
)

// The section as it was before the rows had a column naming the shape.
const oldLargeSection = largeBegin + `
## Planning large teams

Generated on 2026-12-07: one ` + "`polar_customer_seat_assignments`" + ` with N ` + "`emails`" + ` …

| Emails | Plan wall | Plan CPU | Provider CPU | Provider CPU per seat | Provider peak RSS | Peak RSS, largest process | List calls |
|---:|---:|---:|---:|---:|---:|---:|---:|
| 10,000 | 16.14 s | 15.56 s | 5.10 s | 0.51 ms | 369 MB | 985 MB | 1 |
| 50,000 | 506.66 s | 272.37 s | 34.16 s | 0.68 ms | 1807 MB | 20.7 GB | 1 |

| Emails | ` + "`terraform_data`" + ` input | Wall | CPU | Peak RSS | Plan CPU ÷ floor CPU |
|---:|---|---:|---:|---:|---:|
| 50,000 | list | not run | | | |
` + largeEnd + "\n"

func TestBench_carryEmailsPlan_fromTheOldTable(t *testing.T) {
	var run shapeRun
	if err := carryEmailsPlan(oldLargeSection, 50_000, &run); err != nil {
		t.Fatal(err)
	}
	want := usage{wall: 506660 * time.Millisecond, cpu: 272370 * time.Millisecond, providerCPU: 34160 * time.Millisecond, providerRSS: 1807e6, peakRSS: 20.7e9}
	if run.plan != want || run.planLists != 1 || run.carried != "measured 2026-12-07, not re-run" {
		t.Fatalf("carried %+v, %d lists, %q; want %+v, 1 list, measured 2026-12-07", run.plan, run.planLists, run.carried, want)
	}
}

// A carried row written again is read again with its figures and its own
// date, not the date of the run that wrote it.
func TestBench_carryEmailsPlan_roundTripKeepsTheDate(t *testing.T) {
	var carried shapeRun
	if err := carryEmailsPlan(oldLargeSection, 50_000, &carried); err != nil {
		t.Fatal(err)
	}
	row := largeRow{n: 50_000, shapes: map[string]*shapeRun{shapeAssignments: &carried, shapeRecipients: {}}, floors: map[string]usage{"list": {skipped: "not run"}}}
	doc := renderLarge([]largeRow{row})
	if !strings.Contains(doc, "`emails` (list), measured 2026-12-07, not re-run") {
		t.Fatalf("the carried row does not say so:\n%s", doc)
	}
	var again shapeRun
	if err := carryEmailsPlan(doc, 50_000, &again); err != nil {
		t.Fatal(err)
	}
	if again.plan != carried.plan || again.planLists != carried.planLists || again.carried != carried.carried {
		t.Fatalf("read back %+v %q; want %+v %q", again.plan, again.carried, carried.plan, carried.carried)
	}
}

func TestBench_carryEmailsPlan_missingRowIsAnError(t *testing.T) {
	var run shapeRun
	err := carryEmailsPlan(oldLargeSection, 2_000, &run)
	if err == nil || !strings.Contains(err.Error(), "-emails-plan-max 0") {
		t.Fatalf("err = %v, want one that says how to run the plan", err)
	}
}
