package provider

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The seat resources' timeouts: how long an operation may take, rate-limit
// waits included, when the configuration's timeouts block does not say.
const (
	defaultCreateTimeout = 10 * time.Minute
	defaultUpdateTimeout = 10 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
)

// nullTimeouts is a timeouts block left unset, for a resource whose block
// has these operations ("create", "update", "delete"): what an imported
// resource records.
func nullTimeouts(operations ...string) timeouts.Value {
	attrTypes := make(map[string]attr.Type, len(operations))
	for _, op := range operations {
		attrTypes[op] = types.StringType
	}
	return timeouts.Value{Object: types.ObjectNull(attrTypes)}
}
