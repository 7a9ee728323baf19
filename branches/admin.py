from django.contrib import admin
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from branches.models import Organization, PartyMember


class PartyMemberInline(admin.TabularInline):
    model = PartyMember
    extra = 0
    fields = ("name", "status", "sanction", "sanction_until", "active")


@admin.register(Organization)
class OrganizationAdmin(GuardedModelAdmin, SimpleHistoryAdmin):
    """Role grants are guardian object permissions: use 「对象权限」 on an organization to grant
    党支部书记 / 审议 / 组织委员 / 组织部 roles to users."""

    list_display = ("name", "code", "kind", "parent", "can_approve")
    list_filter = ("kind", "can_approve")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)
    readonly_fields = ("path",)
    inlines = [PartyMemberInline]


@admin.register(PartyMember)
class PartyMemberAdmin(SimpleHistoryAdmin):
    list_display = ("name", "branch", "status", "sanction", "sanction_until", "active")
    list_filter = ("status", "sanction", "active")
    search_fields = ("name", "branch__name")
    autocomplete_fields = ("branch",)
