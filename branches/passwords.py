"""Password validation: Django's four validators (settings.AUTH_PASSWORD_VALIDATORS), in Chinese.

Django 5.2 changed the msgid of the length error and its zh-hans catalog still has the old one, so
that one message came out in English; this validator says it in Chinese.
"""

from django.contrib.auth import password_validation


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return f"密码长度太短。密码必须包含至少 {self.min_length} 个字符。"
