// Command schemajson writes the provider's schemas in the JSON format of
// `terraform providers schema -json`, for tfplugindocs' --providers-schema
// (`make generate`, `make docs-check`):
//
//	go run ./internal/cmd/schemajson -o bin/.schema/providers-schema.json
//
// It asks the provider server itself (internal/schemajson), so the pages of
// actions and list resources do not depend on the Terraform version on the
// machine.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/polarsource/terraform-provider-polar/internal/provider"
	"github.com/polarsource/terraform-provider-polar/internal/schemajson"
)

// address is the key of the provider's schemas: tfplugindocs looks them up
// by the provider's short name.
const address = "polar"

func main() {
	out := flag.String("o", "", "file to write (default: standard output)")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "schemajson:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	server, err := providerserver.NewProtocol6WithError(provider.New("docs")())()
	if err != nil {
		return err
	}
	schemas, err := schemajson.FromServer(context.Background(), server, address)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(schemas, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if out == "" {
		_, err = os.Stdout.Write(data)
		return err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	return os.WriteFile(out, data, 0o644) //nolint:gosec // a schema, not a secret
}
