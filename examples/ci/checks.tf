# Part of the "Running in CI" guide: a check that flags invitations still
# pending after a few days. Checks warn; they never fail a plan, so the
# scheduled drift job shows them in its summary.
variable "subscription_id" {
  type        = string
  description = "The seat-based subscription whose invitations to watch."
}

variable "pending_days" {
  type        = number
  description = "How many days an invitation may stay pending before the check warns."
  default     = 3
}

# A top-level data source, not one scoped inside the check: Terraform reads a
# scoped data source again at every apply, so every plan would show a change
# and the drift job's -detailed-exitcode would always answer 2.
data "polar_customer_seats" "pending" {
  subscription_id = var.subscription_id
  statuses        = ["pending"]
}

check "stale_invitations" {
  assert {
    condition = alltrue([
      for s in data.polar_customer_seats.pending.seats :
      timecmp(timeadd(s.created_at, "${var.pending_days * 24}h"), plantimestamp()) > 0
    ])
    error_message = "Invitations pending for more than ${var.pending_days} days: ${join(", ", [
      for s in data.polar_customer_seats.pending.seats : s.customer_email
      if timecmp(timeadd(s.created_at, "${var.pending_days * 24}h"), plantimestamp()) <= 0
    ])}. Remind them with: terraform apply -invoke=action.polar_customer_seat_resend_invitation.pending (Terraform 1.14+)."
  }
}
