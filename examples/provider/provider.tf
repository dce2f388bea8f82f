terraform {
  required_providers {
    polar = {
      source  = "polarsource/polar"
      version = "~> 0.1.0"
    }
  }
}

# The token is read from POLAR_ACCESS_TOKEN when access_token is not set.
provider "polar" {
  server = "sandbox" # or "production" (the default)
}

# Against the offline emulator that ships with the provider (see the guide
# "Testing your configuration offline"):
# provider "polar" {
#   server_url   = "http://127.0.0.1:8787"
#   access_token = "polar_oat_…"
# }
