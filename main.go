// Command terraform-provider-polar serves the Polar provider to Terraform.
package main

import (
	"context"
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/polarsource/terraform-provider-polar/internal/provider"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "start the provider with support for debuggers like delve")
	flag.Parse()

	// Logs only when someone asks (TF_LOG, TF_LOG_PROVIDER, TF_LOG_SDK*).
	provider.QuietLogsUnlessAsked(os.Getenv, os.Setenv)

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         "registry.terraform.io/polarsource/polar",
		Debug:           debug,
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
