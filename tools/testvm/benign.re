# Kernel log lines that match a problem pattern of parse.awk but are harmless
# in the test VMs: one extended regular expression per line (# = comment).
# Keep this list short and specific.
Speculative Return Stack Overflow: WARNING: See https://
# Bochs's Intel models (no RETBleed-safe mitigation to pick): a pr_warn.
RETBleed: WARNING: Spectre v2 mitigation leaves CPU vulnerable to RETBleed attacks
