"""What users tell editors about advice: how often it was shown, and whether it helped."""

from django.conf import settings
from django.db import models


class AdviceStats(models.Model):
    """How often an advice item was put in front of users. Counted with ``F()`` updates, so
    concurrent requests and workers never lose a count."""

    advice_item = models.OneToOneField(
        "content.AdviceItem", on_delete=models.CASCADE, related_name="stats", primary_key=True
    )
    shown_in_results = models.PositiveBigIntegerField(default=0)
    shown_in_emails = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name_plural = "advice stats"

    def __str__(self) -> str:
        return f"Stats of {self.advice_item_id}"


class AdviceFeedback(models.Model):
    """One user's answer to "was this helpful?" for one advice item; they may change it."""

    advice_item = models.ForeignKey(
        "content.AdviceItem", on_delete=models.CASCADE, related_name="feedback"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="advice_feedback"
    )
    helpful = models.BooleanField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["advice_item", "user"], name="one_vote_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.advice_item_id}: {'yes' if self.helpful else 'no'}"
