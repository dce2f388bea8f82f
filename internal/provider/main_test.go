package provider

import (
	"os"
	"strings"
	"testing"
)

// TestMain removes the provider binary the CLI tests built, and the model
// test's sibling-claim files.
func TestMain(m *testing.M) {
	code := m.Run()
	_ = os.RemoveAll(modelSiblingsBase())
	if !providerBuilt.Load() {
		os.Exit(code)
	}
	if dir, err := providerBinary(); err == nil && strings.Contains(dir, "polar-provider-bin") {
		_ = os.RemoveAll(dir)
	}
	os.Exit(code)
}
