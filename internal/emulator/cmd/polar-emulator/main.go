// Command polar-emulator serves the in-memory Polar customer-seats emulator:
//
//	polar-emulator -listen 127.0.0.1:8787 [-fixtures FILE]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/polarsource/terraform-provider-polar/internal/emulator"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8787", "address to listen on (port 0 picks a free port)")
	fixtures := flag.String("fixtures", "", "fixture JSON file (default: the built-in demo fixture)")
	sandbox := flag.Bool("sandbox", false, "add X-Polar-Sandbox: 1 to in-app responses, as the sandbox does")
	flag.Parse()

	var f *emulator.Fixture
	if *fixtures != "" {
		data, err := os.ReadFile(*fixtures)
		if err != nil {
			fmt.Fprintf(os.Stderr, "polar-emulator: fixture file %s: %v\n", *fixtures, err)
			os.Exit(2)
		}
		if f, err = emulator.LoadFixture(data); err != nil {
			fmt.Fprintf(os.Stderr, "polar-emulator: fixture file %s is malformed: %v\n", *fixtures, err)
			os.Exit(2)
		}
	}
	srv, err := emulator.New(f)
	if err != nil {
		fmt.Fprintf(os.Stderr, "polar-emulator: fixture file %s is malformed: %v\n", *fixtures, err)
		os.Exit(2)
	}
	srv.Sandbox = *sandbox
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(os.Stderr, "polar-emulator: %v\n", err)
		os.Exit(1)
	}
	url := "http://" + ln.Addr().String()
	fmt.Printf("polar-emulator listening on %s\n", url)
	if f == nil {
		fmt.Printf("demo organization: %s\n", emulator.DemoOrganizationID)
		fmt.Printf("demo token: %s\n", emulator.DemoToken)
		fmt.Printf("demo subscription (5 seats): %s\n", emulator.DemoSubscriptionID)
		fmt.Printf("demo order (3 seats, paid): %s\n", emulator.DemoOrderID)
		fmt.Printf("try: curl -H 'Authorization: Bearer %s' '%s/v1/customer-seats?subscription_id=%s'\n", emulator.DemoToken, url, emulator.DemoSubscriptionID)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(shutdown)
	}()
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(os.Stderr, "polar-emulator: %v\n", err)
		os.Exit(1)
	}
}
