// Command bench measures the provider with the real Terraform CLI against the
// emulator (offline, loopback only) and writes BENCHMARKS.md:
//
//   - list calls and total API calls of one `terraform plan` over N seats,
//     and its wall time next to the same number of built-in terraform_data
//     resources (Terraform's own floor);
//   - a paced apply of 300 seats under a 100 requests / 10 s rate limit,
//     against the lower bound that limit forces;
//   - the emulator's own throughput (assign and list requests/s).
//
// Usage: go run ./scripts/bench [-out BENCHMARKS.md] [-quick]
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/polarsource/terraform-provider-polar/internal/emulator"
)

type planRow struct {
	scenario              string
	seats, containers     int
	listCalls, totalCalls int
	planWall, floorWall   time.Duration
}

type pacedResult struct {
	seats, requests, limit int
	window                 time.Duration
	wall, lowerBound       time.Duration
	errors, throttled      int
}

func main() {
	out := flag.String("out", "BENCHMARKS.md", "where to write the results")
	quick := flag.Bool("quick", false, "smaller sizes (a smoke run)")
	flag.Parse()
	if err := run(*out, *quick); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(out string, quick bool) error {
	work, err := os.MkdirTemp("", "polar-bench-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(work) }()
	bin := filepath.Join(work, "bin")
	fmt.Println("building the provider…")
	if err := runCmd("", nil, "go", "build", "-o", filepath.Join(bin, "terraform-provider-polar"), "."); err != nil {
		return err
	}
	rc := filepath.Join(work, "terraformrc")
	if err := os.WriteFile(rc, []byte(fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"polarsource/polar\" = %q\n  }\n  direct {}\n}\n", bin)), 0o600); err != nil {
		return err
	}
	b := &bench{work: work, rc: rc}

	sizes := []struct {
		name              string
		seats, containers int
	}{{"100 seats, 1 subscription", 100, 1}, {"500 seats, 1 subscription", 500, 1}, {"2,000 seats, 1 subscription", 2000, 1}, {"500 seats, 10 orders", 500, 10}}
	paced := 300
	if quick {
		sizes = sizes[:1]
		paced = 60
	}
	var rows []planRow
	for _, s := range sizes {
		fmt.Printf("plan: %s…\n", s.name)
		row, err := b.planScenario(s.name, s.seats, s.containers)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		rows = append(rows, row)
	}
	fmt.Printf("paced apply: %d seats under 100 requests / 10 s…\n", paced)
	pr, err := b.pacedApply(paced, 100, 10*time.Second)
	if err != nil {
		return fmt.Errorf("paced apply: %w", err)
	}
	fmt.Println("emulator throughput…")
	assignRate, listRate, err := emulatorThroughput(3 * time.Second)
	if err != nil {
		return err
	}
	report := render(rows, pr, assignRate, listRate)
	fmt.Println()
	fmt.Print(report)
	return os.WriteFile(out, []byte(report), 0o600)
}

type bench struct {
	work, rc string
}

// serve starts an emulator with fixture f on a loopback port.
func serve(f *emulator.Fixture) (*emulator.Server, string, func(), error) {
	srv, err := emulator.New(f)
	if err != nil {
		return nil, "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", nil, err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	return srv, "http://" + ln.Addr().String(), func() { _ = hs.Close() }, nil
}

// fixture is the demo organization with the given containers, each with
// capacity seats.
func fixture(subs, orders []string, capacity int, rate *emulator.RateLimit) *emulator.Fixture {
	f := emulator.DemoFixture()
	o := &f.Organizations[0]
	product := emulator.DemoProductID
	o.Subscriptions, o.Orders = nil, nil
	for _, id := range subs {
		o.Subscriptions = append(o.Subscriptions, emulator.FixtureSubscription{ID: id, ProductID: &product, CustomerID: emulator.DemoCustomerID, Seats: &capacity})
	}
	for _, id := range orders {
		o.Orders = append(o.Orders, emulator.FixtureOrder{ID: id, ProductID: &product, CustomerID: emulator.DemoCustomerID, Seats: &capacity, Status: "paid"})
	}
	f.RateLimit = rate
	return f
}

func containerID(i int) string { return fmt.Sprintf("%08x-0000-4000-8000-%012x", 0xbe000000+i, i) }

func (b *bench) terraform(dir string, env []string, args ...string) (time.Duration, error) {
	start := time.Now()
	err := runCmd(dir, append(env, "TF_CLI_CONFIG_FILE="+b.rc, "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1"), "terraform", args...)
	return time.Since(start), err
}

func (b *bench) planScenario(name string, seats, containers int) (planRow, error) {
	row := planRow{scenario: name, seats: seats, containers: containers}
	kind := "subscription"
	var subs, orders []string
	for i := 0; i < containers; i++ {
		if containers == 1 {
			subs = append(subs, containerID(i))
		} else {
			kind = "order"
			orders = append(orders, containerID(i))
		}
	}
	ids := append(subs, orders...)
	srv, url, stop, err := serve(fixture(subs, orders, seats, nil))
	if err != nil {
		return row, err
	}
	defer stop()

	dir := filepath.Join(b.work, fmt.Sprintf("plan-%d-%d", seats, containers))
	_ = os.MkdirAll(dir, 0o700)
	var cfg strings.Builder
	cfg.WriteString("terraform {\n  required_providers {\n    polar = { source = \"polarsource/polar\" }\n  }\n}\n")
	fmt.Fprintf(&cfg, "locals {\n  containers = %s\n}\n", hclList(ids))
	fmt.Fprintf(&cfg, `resource "polar_customer_seat" "s" {
  count = %d
  %s_id = local.containers[count.index %% %d]
  email = "member${count.index}@acme.io"
}
`, seats, kind, containers)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg.String()), 0o600); err != nil {
		return row, err
	}
	env := []string{"POLAR_SERVER_URL=" + url, "POLAR_ACCESS_TOKEN=" + emulator.DemoToken}
	if _, err := b.terraform(dir, env, "apply", "-auto-approve", "-no-color", "-parallelism=20"); err != nil {
		return row, err
	}
	resetCounters(url)
	if row.planWall, err = b.terraform(dir, env, "plan", "-no-color", "-detailed-exitcode"); err != nil {
		return row, fmt.Errorf("plan after apply is not empty or failed: %w", err)
	}
	total, byRoute := srv.Requests()
	row.totalCalls, row.listCalls = total, byRoute["GET /v1/customer-seats"]

	floor := filepath.Join(b.work, fmt.Sprintf("floor-%d", seats))
	_ = os.MkdirAll(floor, 0o700)
	if err := os.WriteFile(filepath.Join(floor, "main.tf"), []byte(fmt.Sprintf("resource \"terraform_data\" \"s\" {\n  count = %d\n  input = \"member${count.index}@acme.io\"\n}\n", seats)), 0o600); err != nil {
		return row, err
	}
	if _, err := b.terraform(floor, nil, "apply", "-auto-approve", "-no-color", "-parallelism=20"); err != nil {
		return row, err
	}
	if row.floorWall, err = b.terraform(floor, nil, "plan", "-no-color", "-detailed-exitcode"); err != nil {
		return row, err
	}
	return row, nil
}

func (b *bench) pacedApply(seats, limit int, window time.Duration) (pacedResult, error) {
	res := pacedResult{seats: seats, limit: limit, window: window}
	sub := containerID(99)
	srv, url, stop, err := serve(fixture([]string{sub}, nil, seats, &emulator.RateLimit{Requests: limit, WindowSeconds: int(window.Seconds())}))
	if err != nil {
		return res, err
	}
	defer stop()
	dir := filepath.Join(b.work, "paced")
	_ = os.MkdirAll(dir, 0o700)
	// 95% of the server's budget: room for the plan walk's provider process.
	rpm := int(float64(limit) * float64(time.Minute) / float64(window) * 0.95)
	cfg := fmt.Sprintf(`terraform {
  required_providers {
    polar = { source = "polarsource/polar" }
  }
}
provider "polar" {
  requests_per_minute = %d
}
resource "polar_customer_seat" "s" {
  count           = %d
  subscription_id = %q
  email           = "paced${count.index}@acme.io"
}
`, rpm, seats, sub)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600); err != nil {
		return res, err
	}
	env := []string{"POLAR_SERVER_URL=" + url, "POLAR_ACCESS_TOKEN=" + emulator.DemoToken}
	res.wall, err = b.terraform(dir, env, "apply", "-auto-approve", "-no-color")
	if err != nil {
		res.errors = 1
		return res, err
	}
	total, _ := srv.Requests()
	res.requests = total
	var counts struct {
		ByStatus map[string]int `json:"by_status"`
	}
	if r, err := http.Get(url + "/__emulator/requests"); err == nil {
		_ = json.NewDecoder(r.Body).Decode(&counts)
		_ = r.Body.Close()
	}
	res.throttled = counts.ByStatus["429"]
	for code, n := range counts.ByStatus {
		if code != "200" && code != "429" {
			res.errors += n
		}
	}
	answered := total - res.throttled
	// The fixed window opens at the first request: n answered requests need
	// ceil(n/limit) windows, and the last one starts (ceil(n/limit)-1) windows in.
	res.lowerBound = time.Duration(math.Ceil(float64(answered)/float64(limit))-1) * window
	return res, nil
}

// emulatorThroughput measures assign and list requests/s over loopback with
// a few concurrent clients, each loop bounded in time.
func emulatorThroughput(d time.Duration) (assign, list float64, err error) {
	sub := containerID(7)
	_, url, stop, err := serve(fixture([]string{sub}, nil, 10_000_000, nil))
	if err != nil {
		return 0, 0, err
	}
	defer stop()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	workers := 2 * runtime.NumCPU()
	measure := func(do func(worker, i int) error) (float64, error) {
		var n atomic.Int64
		var firstErr error
		var once sync.Once
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		var wg sync.WaitGroup
		start := time.Now()
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; ctx.Err() == nil && i < 1_000_000; i++ {
					if err := do(w, i); err != nil {
						once.Do(func() { firstErr = err })
						return
					}
					n.Add(1)
				}
			}(w)
		}
		wg.Wait()
		return float64(n.Load()) / time.Since(start).Seconds(), firstErr
	}
	call := func(base, method, path string, body []byte) error {
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+emulator.DemoToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_ = resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("%s %s: %d", method, path, resp.StatusCode)
		}
		return nil
	}
	assign, err = measure(func(w, i int) error {
		return call(url, http.MethodPost, "/v1/customer-seats", []byte(fmt.Sprintf(`{"subscription_id":%q,"email":"t%d-%d@acme.io"}`, sub, w, i)))
	})
	if err != nil {
		return 0, 0, err
	}
	// Lists of a small container (the 100-seat case), not the thousands just assigned.
	small := containerID(8)
	_, url2, stop2, err := serve(fixture([]string{small}, nil, 200, nil))
	if err != nil {
		return 0, 0, err
	}
	defer stop2()
	for i := 0; i < 100; i++ {
		if err := call(url2, http.MethodPost, "/v1/customer-seats", []byte(fmt.Sprintf(`{"subscription_id":%q,"email":"l%d@acme.io"}`, small, i))); err != nil {
			return 0, 0, err
		}
	}
	list, err = measure(func(int, int) error {
		return call(url2, http.MethodGet, "/v1/customer-seats?subscription_id="+small, nil)
	})
	return assign, list, err
}

func resetCounters(url string) {
	req, _ := http.NewRequest(http.MethodDelete, url+"/__emulator/requests", nil)
	if r, err := http.DefaultClient.Do(req); err == nil {
		_ = r.Body.Close()
	}
}

func hclList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func runCmd(dir string, env []string, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		tail := out.String()
		if len(tail) > 3000 {
			tail = tail[len(tail)-3000:]
		}
		return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, tail)
	}
	return nil
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func render(rows []planRow, p pacedResult, assign, list float64) string {
	var b strings.Builder
	tfv, _ := exec.Command("terraform", "version").Output()
	fmt.Fprintf(&b, "# Benchmarks\n\nGenerated by `make bench` on %s (%s, %d CPUs, %s; %s).\n",
		time.Now().UTC().Format("2006-01-02"), runtime.GOOS+"/"+runtime.GOARCH, runtime.NumCPU(), runtime.Version(), strings.SplitN(string(tfv), "\n", 2)[0])
	b.WriteString("Real Terraform CLI, provider through a dev override, emulator on loopback; counts from the emulator's request counters.\n\n")
	b.WriteString("## `terraform plan` over existing seats\n\n")
	b.WriteString("| Scenario | List calls | Total API calls | Lower bound | Plan wall time | Same count of `terraform_data` | Ratio |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %s | %s | %.2f× |\n", r.scenario, r.listCalls, r.totalCalls, r.containers, secs(r.planWall), secs(r.floorWall), r.planWall.Seconds()/r.floorWall.Seconds())
	}
	b.WriteString("\nThe lower bound is one list call per container: Polar has no get-by-id, and all reads of a container in one run share one call.\n\n")
	b.WriteString("## Paced apply under a rate limit\n\n")
	fmt.Fprintf(&b, "| Seats | Server limit | Provider `requests_per_minute` | API requests | 429s | Errors | Wall time | Lower bound forced by the limit | Ratio |\n|---:|---|---:|---:|---:|---:|---:|---:|---:|\n")
	rpm := int(float64(p.limit) * float64(time.Minute) / float64(p.window) * 0.95)
	ratio := p.wall.Seconds() / p.lowerBound.Seconds()
	fmt.Fprintf(&b, "| %d | %d / %s (fixed window) | %d | %d | %d | %d | %s | %s | %.2f× |\n", p.seats, p.limit, p.window, rpm, p.requests, p.throttled, p.errors, secs(p.wall), secs(p.lowerBound), ratio)
	b.WriteString("\nThe lower bound is the time the server's fixed window forces for that many answered requests: (⌈requests / limit⌉ − 1) windows. ")
	b.WriteString("Goal: zero errors within 1.2× of it.\n\n")
	b.WriteString("## Emulator throughput (loopback)\n\n| Call | Requests/s |\n|---|---:|\n")
	fmt.Fprintf(&b, "| `POST /v1/customer-seats` (assign) | %.0f |\n| `GET /v1/customer-seats` (list of 100 seats) | %.0f |\n", assign, list)
	return b.String()
}
