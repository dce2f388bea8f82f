# The configuration `make demo` applies against the emulator. The provider
# reads POLAR_SERVER_URL and POLAR_ACCESS_TOKEN from the environment. The
# emulator makes no DNS check of email domains; the real Polar does, so use
# real addresses there.

terraform {
  required_providers {
    polar = {
      source  = "polarsource/polar"
      version = "~> 0.1.0"
    }
  }
}

provider "polar" {}

variable "subscription_id" {
  type        = string
  description = "The seat-based subscription whose seats the team holds."
}

variable "team" {
  type        = set(string)
  description = "Who should hold a seat."
  default     = ["alice@acme.io", "bob@acme.io", "carol@acme.io"]
}

resource "polar_customer_seat" "team" {
  for_each = var.team

  subscription_id = var.subscription_id
  email           = each.value
  metadata = {
    managed_by = "terraform"
  }
}

# Read the seats back, after the assignments.
data "polar_customer_seats" "team" {
  subscription_id = var.subscription_id
  statuses        = ["pending", "claimed"]

  depends_on = [polar_customer_seat.team]
}

output "seat_ids" {
  value = { for email, seat in polar_customer_seat.team : email => seat.id }
}

output "seat_status" {
  value = { for s in data.polar_customer_seats.team.seats : s.customer_email => s.status }
}

output "total_seats" {
  value = data.polar_customer_seats.team.total_seats
}

output "available_seats" {
  value = data.polar_customer_seats.team.available_seats
}
