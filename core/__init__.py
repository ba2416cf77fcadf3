"""The registry's floor: errors, the audit trail, jobs, request ids and the shared portal and API kit.

`core` imports no other app of the registry; every app may import it.
"""
