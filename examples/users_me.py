"""Who does this token belong to?"""

from cozekit import Coze

me = Coze().users.me()
print(me.user_id, me.user_name, me.nick_name)
