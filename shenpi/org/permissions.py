from rest_framework.permissions import SAFE_METHODS, BasePermission

from .roles import is_centre_admin, is_staff_member


class ReadAnyoneWriteCentreAdmin(BasePermission):
    """Public reference data: anyone reads, centre administrators write (the services check again)."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or is_centre_admin(request.user)


class StaffReadCentreAdminWrite(BasePermission):
    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return is_staff_member(request.user)
        return is_centre_admin(request.user)
