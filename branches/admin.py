"""Admin: organizations with their rosters and role grants, and users, whose passwords set here
are temporary (the owner must replace them at the next login, branches/gate.py).

A roster member whom any step record names is never deleted — 停用 (deactivate) instead — and
renaming one changes no past record (cases keep the people as recorded, cases.models.StepRecordPerson).

Locked-out logins are unlocked by deleting their rows under Axes → Access attempts (django-axes'
own admin) or with `manage.py axes_reset_username NAME`; a lost phone by deleting the user's
TOTP device (django-otp's admin).
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from branches import services
from branches.models import AccountSecurity, Organization, PartyMember
from branches.selectors import is_named_on_records


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
        changed = services.deactivate_members(queryset, actor=request.user)
        self.message_user(request, f"已停用 {changed} 名党员；他们不再出现在新步骤的候选名单中。")


class AdminSetPasswordForm(AdminPasswordChangeForm):
    """「修改密码」 on a user's admin page: the password set here must be replaced by its owner."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit and user.has_usable_password():
            services.require_password_change(user=user)
        return user


class AccountSecurityInline(admin.StackedInline):
    model = AccountSecurity
    can_delete = False
    readonly_fields = ("must_change_password", "password_set_by_admin_at")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    """Accounts are deactivated (untick 有效), never deleted: a user's name is on sealed history rows,
    which the database refuses to change."""

    change_password_form = AdminSetPasswordForm
    actions = None

    def has_delete_permission(self, request, obj=None):
        return False

    def get_inlines(self, request, obj):
        return [AccountSecurityInline] if obj is not None else []

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and obj.has_usable_password():  # a new account: its first password is the admin's
            services.require_password_change(user=obj)
