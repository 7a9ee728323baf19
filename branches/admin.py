"""Admin of the organization tree and the rosters. A roster member whom any step record names is
never deleted — 停用 (deactivate) instead — and renaming one changes no past record (cases keep
the people as recorded, cases.models.StepRecordPerson)."""

from django.contrib import admin
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from branches.models import Organization, PartyMember
from branches.selectors import is_named_on_records
from branches.services import deactivate_members


class PartyMemberInline(admin.TabularInline):
    """Members are added and edited here; untick 在册 to deactivate. No delete box: a member
    named on a record can only be deactivated (the member's own page deletes unnamed ones)."""

    model = PartyMember
    extra = 0
    fields = ("name", "status", "sanction", "sanction_until", "active")
    can_delete = False


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
    actions = ["deactivate"]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and is_named_on_records(obj):
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description="停用所选党员（已记录的步骤仍保留其姓名）", permissions=["change"])
    def deactivate(self, request, queryset):
        changed = deactivate_members(queryset, actor=request.user)
        self.message_user(request, f"已停用 {changed} 名党员；他们不再出现在新步骤的候选名单中。")
