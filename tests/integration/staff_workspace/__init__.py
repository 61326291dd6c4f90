"""The staff workspace over HTTP, through the real Lambda handler, against moto: signing in and
every way a request is turned away, the permission matrix role by role, the pages about no case
and the reports, the work list's downloads and possible complaints. Each module runs its own
local stack, so the two workers can share them."""
