"""Admin: letters are read-only (numbers are never edited); an admin may only re-render them."""

from django.contrib import admin, messages

from reviews import services
from reviews.models import Letter, LetterEntry, LetterSerial, LetterStatus


class LetterEntryInline(admin.TabularInline):
    model = LetterEntry
    extra = 0
    fields = ("position", "name", "decision", "detail", "case", "record")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "addressee", "status", "attempts", "created_at", "rendered_at")
    list_filter = ("status", "kind", "issuer", "year")
    search_fields = ("number", "title", "code", "entries__name")
    list_select_related = ("addressee", "issuer")
    inlines = [LetterEntryInline]
    actions = ["render_again"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="立即生成所选的待生成/生成失败发文（文号不变）")
    def render_again(self, request, queryset):
        done = 0
        for letter in queryset.exclude(status=LetterStatus.RENDERED):
            try:
                current = services.render_letter(letter_id=letter.pk)
            except Exception as exc:  # shown to the admin; the letter keeps its number
                services.mark_letter_failed(letter_id=letter.pk, error=f"{type(exc).__name__}: {exc}")
                self.message_user(request, f"{letter.number} 生成失败：{exc}", messages.ERROR)
            else:
                if current is not None and current.status == LetterStatus.RENDERED:
                    done += 1
                else:
                    self.message_user(
                        request, f"{letter.number} 正在由后台生成，未重复生成。", messages.WARNING
                    )
        self.message_user(request, f"已生成 {done} 件。")


@admin.register(LetterSerial)
class LetterSerialAdmin(admin.ModelAdmin):
    list_display = ("org", "year", "last")
    readonly_fields = ("org", "year", "last")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
