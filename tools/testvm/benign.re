# Kernel log lines that match a problem pattern of parse.awk but are harmless
# in the test VMs: one extended regular expression per line (# = comment).
# Keep this list short and specific.
Speculative Return Stack Overflow: WARNING: See https://
