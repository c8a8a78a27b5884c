// photocheck audit report: counts the thumbnails that render, for the browser test.
window.addEventListener('load',function(){var ok=0,bad=0;document.querySelectorAll('img').forEach(function(i){
if(i.complete&&i.naturalWidth>0){ok++}else{bad++;i.classList.add('broken')}});
document.body.setAttribute('data-images-ok',ok);document.body.setAttribute('data-images-broken',bad);});
